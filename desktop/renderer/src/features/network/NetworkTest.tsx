import { useState } from 'react';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { type NetworkReport, runNetworkTest } from './probe';
import { networkVerdict } from './words';
import '../../ui/desk.css';
import './network.css';

/** A server that has not answered in this long counts as unreachable from here. */
const PROBE_TIMEOUT_MS = 8_000;

type State =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'done'; report: NetworkReport }
  | { phase: 'failed'; error: string };

/**
 * "Network test" (issue 25 item 9): tries each of the team's STUN and TURN servers from this
 * browser (UDP, TCP, TLS relay), measures the round trip through a relay, and says in words what
 * will not work from where the agent sits.
 */
export function NetworkTest() {
  const api = useApi();
  const [state, setState] = useState<State>({ phase: 'idle' });
  const run = async () => {
    setState({ phase: 'running' });
    const ack = await api.request('network:ice', {});
    if (!ack.ok) return setState({ phase: 'failed', error: refusalText(ack.error) });
    try {
      const report = await runNetworkTest(ack.data, {
        createPeer: (config) => new RTCPeerConnection(config),
        now: () => performance.now(),
        timeoutMs: PROBE_TIMEOUT_MS,
        setTimer: (fn, ms) => window.setTimeout(fn, ms),
        clearTimer: (id) => window.clearTimeout(id as number),
      });
      setState({ phase: 'done', report: roundMs(report) });
    } catch (e) {
      setState({ phase: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  };
  const verdict = state.phase === 'done' ? networkVerdict(state.report) : null;
  return (
    <section className="desk-card" aria-labelledby="network-test-title">
      <h2 id="network-test-title">Network test</h2>
      <p className="muted">
        Checks from this computer which ways to the team's call servers work (UDP, TCP, and TLS to the TURN
        relay, which gets through firewalls that let only web traffic out), and how long a round trip takes.
      </p>
      <div className="network-actions">
        <button
          type="button"
          className="btn btn-primary btn-sm"
          disabled={state.phase === 'running'}
          onClick={() => void run()}
        >
          {state.phase === 'done' || state.phase === 'failed' ? 'Test again' : 'Run the network test'}
        </button>
        {state.phase === 'running' && (
          <span className="muted" role="status">
            Testing…
          </span>
        )}
      </div>
      {state.phase === 'failed' && (
        <p className="form-error" role="alert">
          The test could not run: {state.error}
        </p>
      )}
      {verdict && (
        <div className="network-result" data-testid="network-result">
          <p className={`network-verdict network-${verdict.tone}`} role="status">
            {verdict.headline}
          </p>
          <dl className="network-checks">
            {verdict.checks.map((c) => (
              <div key={c.kind} className="network-check">
                <dt>{c.label}</dt>
                <dd>
                  <span className={`badge badge-${c.tone === 'ok' ? 'ok' : c.tone}`}>
                    {c.tone === 'ok' ? 'Works' : c.tone === 'bad' ? 'Blocked' : 'Note'}
                  </span>{' '}
                  {c.text}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}

function roundMs(report: NetworkReport): NetworkReport {
  return { ...report, probes: report.probes.map((p) => ({ ...p, ms: Math.round(p.ms) })) };
}
