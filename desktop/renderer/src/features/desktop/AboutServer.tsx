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
        {about.mode === 'embedded' && <Fact term="Phones connect to" value={about.phoneUrl} mono />}
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

function Fact({ term, value, mono }: { term: string; value: string | null; mono?: boolean }) {
  if (value === null) return null;
  return (
    <>
      <dt>{term}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </>
  );
}
