import { useEffect, useState } from 'react';
import type { Snapshot } from '#shared';
import { useApi } from '../../api/context';
import { formatFullDate } from '../../lib/time';

interface Loaded {
  snapshot: Snapshot;
  /** An object URL of the JPEG, fetched with the session (an <img> cannot send the token). */
  url: string | null;
}

/** A call's snapshots in its history entry: each one shown small, and downloadable. */
export function CallSnapshots({ callId }: { callId: string }) {
  const api = useApi();
  const [items, setItems] = useState<Loaded[] | null>(null);

  useEffect(() => {
    let gone = false;
    const urls: string[] = [];
    void (async () => {
      const ack = await api.request('video:snapshots', { callId });
      if (!ack.ok || gone) return;
      const loaded: Loaded[] = [];
      for (const snapshot of ack.data.snapshots) {
        const file = await api.http('GET /api/snapshots/:snapshotId', {
          params: { snapshotId: snapshot.id },
        });
        const url = file.ok ? URL.createObjectURL(file.data) : null;
        if (url) urls.push(url);
        loaded.push({ snapshot, url });
      }
      if (!gone) setItems(loaded);
    })();
    return () => {
      gone = true;
      for (const u of urls) URL.revokeObjectURL(u);
    };
  }, [api, callId]);

  if (!items || items.length === 0) return null;
  return (
    <section className="hist-snapshots" aria-label="Snapshots">
      <h3>Snapshots</h3>
      <ul>
        {items.map(({ snapshot, url }) => (
          <li key={snapshot.id}>
            {url && <img src={url} alt={`Snapshot taken ${formatFullDate(snapshot.takenAt)}`} width={160} />}
            <span className="muted">
              {formatFullDate(snapshot.takenAt)} · {snapshot.width}×{snapshot.height}
            </span>
            {url && (
              <a className="btn btn-sm" href={url} download={`snapshot-${snapshot.id}.jpg`}>
                Download
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
