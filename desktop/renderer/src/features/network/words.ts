import type { NetworkReport, ProbeKind } from './probe';

export type Tone = 'ok' | 'warn' | 'bad';

export interface CheckLine {
  kind: ProbeKind | 'rtt';
  label: string;
  tone: Tone;
  text: string;
}

export interface NetworkVerdict {
  tone: Tone;
  /** What works and what will not, in a sentence or two. */
  headline: string;
  checks: CheckLine[];
}

const LABELS: Record<ProbeKind, string> = {
  stun: 'UDP to STUN',
  udp: 'TURN relay over UDP',
  tcp: 'TURN relay over TCP',
  tls: 'TURN relay over TLS',
};

/** A round trip this long makes people talk over each other (G.114: 150 ms one way is the edge). */
const RTT_SLOW_MS = 300;

/** The report in words: each check, then what will and will not work from here. */
export function networkVerdict(report: NetworkReport): NetworkVerdict {
  const checks: CheckLine[] = [];
  const state = (kind: ProbeKind): 'none' | 'ok' | 'failed' => {
    const of = report.probes.filter((p) => p.kind === kind);
    if (of.length === 0) return 'none';
    return of.some((p) => p.ok) ? 'ok' : 'failed';
  };
  for (const kind of ['stun', 'udp', 'tcp', 'tls'] as const) {
    const of = report.probes.filter((p) => p.kind === kind);
    // STUN is optional beside TURN (a relay over UDP answers the same question).
    if (of.length === 0 && kind === 'stun') continue;
    if (of.length === 0) {
      checks.push({ kind, label: LABELS[kind], tone: 'warn', text: 'Not offered by the server' });
      continue;
    }
    const ok = of.find((p) => p.ok);
    checks.push(
      ok
        ? { kind, label: LABELS[kind], tone: 'ok', text: `Reachable (answered in ${ok.ms} ms)` }
        : {
            kind,
            label: LABELS[kind],
            tone: 'bad',
            text: `Not reachable${of[0]?.error ? `: ${of[0].error}` : ''}`,
          },
    );
  }
  if (report.rttMs !== null) {
    checks.push({
      kind: 'rtt',
      label: 'Round trip through the relay',
      tone: report.rttMs > RTT_SLOW_MS ? 'warn' : 'ok',
      text: `${report.rttMs} ms${report.rttMs > RTT_SLOW_MS ? ': slow enough that people talk over each other' : ''}`,
    });
  }

  const udp = state('udp') === 'ok' || state('stun') === 'ok';
  const udpTried = state('udp') !== 'none' || state('stun') !== 'none';
  const tcp = state('tcp') === 'ok';
  const tls = state('tls') === 'ok';
  const anyRelay = state('udp') === 'ok' || tcp || tls;
  const relays = state('udp') !== 'none' || state('tcp') !== 'none' || state('tls') !== 'none';

  if (!relays) {
    return {
      tone: 'warn',
      checks,
      headline: udp
        ? 'The server offers no TURN relay: calls work where this network and the phone can reach each other directly, not through strict firewalls. Ask your administrator to add one.'
        : 'The server offers no TURN relay, and nothing here answered: calls to phones outside this network will not connect. Ask your administrator to add a TURN relay.',
    };
  }
  if (!anyRelay) {
    return {
      tone: 'bad',
      checks,
      headline:
        'No relay is reachable from here (UDP, TCP and TLS all failed): calls to phones on other networks will not connect. Try another network, or ask your network administrator to allow the relay.',
    };
  }
  const missing: string[] = [];
  if (udpTried && !udp) missing.push('UDP is blocked here');
  if (state('tcp') === 'failed') missing.push('TCP to the relay is blocked');
  if (state('tls') === 'failed') missing.push('TLS to the relay is blocked');
  const slow = report.rttMs !== null && report.rttMs > RTT_SLOW_MS;
  if (missing.length === 0) {
    return {
      tone: slow ? 'warn' : 'ok',
      checks,
      headline: slow
        ? 'Every path works, but the round trip is long: expect delay on calls.'
        : 'Every path works: calls should connect from here, directly or through the relay.',
    };
  }
  const through = [state('udp') === 'ok' && 'UDP', tcp && 'TCP', tls && 'TLS'].filter(Boolean).join(' or ');
  const fallback =
    udpTried && !udp
      ? `calls will still connect, through the relay over ${through}, with a little more delay and audio that stutters more on a poor connection.`
      : `calls will still connect, through the relay over ${through}.`;
  return { tone: 'warn', checks, headline: `${sentence(missing)}: ${fallback}` };
}

function sentence(parts: string[]): string {
  const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}
