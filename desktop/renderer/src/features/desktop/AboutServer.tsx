import { useCallback, useEffect, useState } from 'react';
import type { AboutServer } from '../../../../preload/contract';
import { desktopApi } from './bridge';

const STATE_WORDS: Record<AboutServer['state'], { text: string; tone: string }> = {
  running: { text: 'Running', tone: 'badge-ok' },
  starting: { text: 'Starting', tone: 'badge-info' },
  stopping: { text: 'Stopping', tone: 'badge-info' },
  stopped: { text: 'Stopped', tone: 'badge-neutral' },
  failed: { text: 'Not running', tone: 'badge-bad' },
  remote: { text: 'Team server', tone: 'badge-neutral' },
};

/** "About this server": where it listens, what phones are told, its health, data and last log lines. */
export function AboutServerPanel() {
  const api = desktopApi();
  const [about, setAbout] = useState<AboutServer | null>(null);
  const refresh = useCallback(() => {
    void api?.aboutServer().then(setAbout);
  }, [api]);
  useEffect(() => {
    refresh();
    return api?.onAboutChanged(setAbout);
  }, [api, refresh]);
  if (!about) return null;
  const state = STATE_WORDS[about.state];
  return (
    <section className="desk-card" aria-labelledby="desk-about-title">
      <div className="desk-row desk-spread">
        <h2 id="desk-about-title">About this server</h2>
        <button type="button" className="btn btn-sm btn-quiet" onClick={refresh}>
          Refresh
        </button>
      </div>
      <dl className="desk-facts">
        <dt>Server</dt>
        <dd>
          {about.mode === 'embedded' ? 'This computer' : 'A team server'}{' '}
          <span className={`badge ${state.tone}`}>{state.text}</span>
        </dd>
        {about.error && (
          <>
            <dt>Problem</dt>
            <dd role="alert">{about.error}</dd>
          </>
        )}
        <Fact term="Address" value={about.url} mono />
        <Fact term="Port" value={about.port === null ? null : String(about.port)} mono />
        {about.mode === 'embedded' && about.state === 'running' && <PhoneFacts about={about} />}
        <dt>Health</dt>
        <dd>
          {about.health === null ? (
            <span className="muted">not checked</span>
          ) : (
            <span className={about.health.ok ? 'desk-ok' : 'field-error'}>
              {about.health.ok ? 'Healthy' : 'Unhealthy'}: {about.health.detail}
            </span>
          )}
        </dd>
        <Fact term="Owner agent" value={about.owner} />
        <Fact term="Process" value={about.pid === null ? null : `pid ${about.pid}`} mono />
        <Fact
          term="Started"
          value={about.startedAt === null ? null : new Date(about.startedAt).toLocaleString()}
        />
        <Fact term="Database" value={about.database} mono />
        <Fact term="Log file" value={about.logFile} mono />
      </dl>
      {about.logs.length > 0 && (
        <details className="desk-logs">
          <summary>Last {about.logs.length} log lines</summary>
          <ol>
            {about.logs.map((line, i) => (
              // Log lines have no id; their order is fixed for this render.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={i} className={`desk-log desk-log-${line.level}`}>
                <time className="mono">{new Date(line.at).toLocaleTimeString()}</time> {line.message}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** Where phones reach this computer's server, and the certificate they pin (or that they cannot). */
function PhoneFacts({ about }: { about: AboutServer }) {
  if (!about.certificate) {
    return (
      <>
        <dt>Phones</dt>
        <dd>Cannot connect: only this computer may (Server → Let phones on this network connect)</dd>
      </>
    );
  }
  return (
    <>
      <Fact term="Phones connect to" value={about.phoneUrl ?? 'no network address on this computer'} mono />
      <dt>Certificate (SHA-256)</dt>
      <dd className="mono desk-fingerprint">{groupsOf4(about.certificate.fingerprint)}</dd>
      <Fact
        term="Certificate valid until"
        value={`${new Date(about.certificate.expiresAt).toLocaleDateString()}: renewed a month before, and phones pair again then`}
      />
    </>
  );
}

/** `a1b2c3d4…` as `a1b2 c3d4 …`: easier to compare by eye with what a phone shows. */
function groupsOf4(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

function Fact({ term, value, mono }: { term: string; value: string | null; mono?: boolean }) {
  if (value === null) return null;
  return (
    <>
      <dt>{term}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </>
  );
}
