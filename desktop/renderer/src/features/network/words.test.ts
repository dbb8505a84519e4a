import { describe, expect, it } from 'vitest';
import type { NetworkReport, ProbeKind, ProbeResult } from './probe';
import { kindOf } from './probe';
import { networkVerdict } from './words';

const probe = (kind: ProbeKind, ok: boolean, error: string | null = null): ProbeResult => ({
  kind,
  url: `${kind === 'tls' ? 'turns' : 'turn'}:relay.example.com:443`,
  ok,
  ms: ok ? 40 : 8000,
  error: ok ? null : error,
});
const report = (probes: ProbeResult[], rttMs: number | null = 42): NetworkReport => ({
  probes,
  rttMs,
  rttKind: rttMs === null ? null : 'udp',
  relayOnly: false,
});

describe('the Network test in words', () => {
  it('reads how each URL reaches its server', () => {
    expect(kindOf('stun:stun.example.com:3478')).toBe('stun');
    expect(kindOf('turn:t.example.com:3478')).toBe('udp');
    expect(kindOf('turn:t.example.com:3478?transport=udp')).toBe('udp');
    expect(kindOf('turn:t.example.com:3478?transport=tcp')).toBe('tcp');
    expect(kindOf('turns:t.example.com:443?transport=tcp')).toBe('tls');
  });

  it('says every path works when all answer', () => {
    const v = networkVerdict(report([probe('udp', true), probe('tcp', true), probe('tls', true)]));
    expect(v.tone).toBe('ok');
    expect(v.headline).toMatch(/^Every path works/);
    expect(v.checks.map((c) => [c.label, c.tone])).toEqual([
      ['TURN relay over UDP', 'ok'],
      ['TURN relay over TCP', 'ok'],
      ['TURN relay over TLS', 'ok'],
      ['Round trip through the relay', 'ok'],
    ]);
  });

  it('says UDP is blocked and that calls go through the relay over what still works', () => {
    const v = networkVerdict(
      report([
        probe('udp', false, '701 Failed to establish connection'),
        probe('tcp', true),
        probe('tls', true),
      ]),
    );
    expect(v.tone).toBe('warn');
    expect(v.headline).toBe(
      'UDP is blocked here: calls will still connect, through the relay over TCP or TLS, with a little more delay and audio that stutters more on a poor connection.',
    );
    expect(v.checks[0]).toMatchObject({
      tone: 'bad',
      text: 'Not reachable: 701 Failed to establish connection',
    });
  });

  it('names every blocked way when only TLS gets out', () => {
    const v = networkVerdict(report([probe('udp', false), probe('tcp', false), probe('tls', true)]));
    expect(v.headline).toMatch(/^UDP is blocked here and TCP to the relay is blocked: .* over TLS,/);
  });

  it('says calls will not connect when no relay answers', () => {
    const v = networkVerdict(report([probe('udp', false), probe('tcp', false), probe('tls', false)], null));
    expect(v.tone).toBe('bad');
    expect(v.headline).toMatch(/will not connect/);
    expect(v.checks.some((c) => c.kind === 'rtt')).toBe(false);
  });

  it('warns of a long round trip (over 300 ms)', () => {
    const all = [probe('udp', true), probe('tcp', true), probe('tls', true)];
    expect(networkVerdict(report(all, 300)).tone).toBe('ok');
    const slow = networkVerdict(report(all, 301));
    expect(slow.tone).toBe('warn');
    expect(slow.headline).toMatch(/round trip is long/);
  });

  it('says so when the server offers no relay, and leaves out STUN when there is none', () => {
    const none = networkVerdict(report([], null));
    expect(none.headline).toMatch(/offers no TURN relay.*will not connect/);
    expect(none.checks.map((c) => c.label)).toEqual([
      'TURN relay over UDP',
      'TURN relay over TCP',
      'TURN relay over TLS',
    ]);
    const stunOnly = networkVerdict(report([probe('stun', true)], null));
    expect(stunOnly.headline).toMatch(/offers no TURN relay: calls work where/);
  });

  it('counts a missing TLS relay as not offered, not as blocked', () => {
    const v = networkVerdict(report([probe('udp', true), probe('tcp', true)]));
    expect(v.tone).toBe('ok');
    expect(v.checks.find((c) => c.kind === 'tls')).toMatchObject({
      tone: 'warn',
      text: 'Not offered by the server',
    });
  });
});
