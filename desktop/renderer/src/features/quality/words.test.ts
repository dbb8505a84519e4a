import { describe, expect, it } from 'vitest';
import type { QualitySummary } from '#shared';
import { weekSentence } from './PhoneQuality';
import { markSentence, pathInWords, sideFacts, sideTitle, troubleInWords } from './words';

const summary = (over: Partial<QualitySummary> = {}): QualitySummary => ({
  samples: 60,
  seconds: 59,
  rttMs: { avg: 42, max: 80 },
  jitterMs: { avg: 4, max: 12 },
  packetsReceived: 2_950,
  packetsLost: 50,
  lossPct: 1.7,
  concealedPct: 0.8,
  mos: { avg: 4.31, min: 3.9 },
  poorSeconds: 0,
  path: { kind: 'direct', transport: 'udp' },
  ...over,
});

describe('how a call sounded, in words', () => {
  it('names the path: direct, through a NAT, or the relay and how it is reached', () => {
    expect(pathInWords({ kind: 'direct', transport: 'udp' })).toBe('direct, over UDP');
    expect(pathInWords({ kind: 'stun', transport: 'udp' })).toBe(
      'direct through a NAT (found by STUN), over UDP',
    );
    expect(pathInWords({ kind: 'turn', transport: 'tls' })).toBe(
      'through the TURN relay, reached over TLS (turns:)',
    );
    expect(pathInWords(null)).toBe('not known');
  });

  it('says the worst trouble first, and nothing for a clear call', () => {
    expect(troubleInWords(summary())).toBeNull();
    expect(troubleInWords(summary({ packetsReceived: 0, lossPct: null, mos: null }))).toMatch(
      /^Nothing arrived: one-way/,
    );
    expect(troubleInWords(summary({ lossPct: 9.9, jitterMs: { avg: 45, max: 90 } }))).toBe(
      '9.9% of the audio was lost on the way: words dropped out.',
    );
    expect(troubleInWords(summary({ jitterMs: { avg: 45, max: 90 } }))).toMatch(/jitter 45 ms/);
    expect(troubleInWords(summary({ rttMs: { avg: 520, max: 700 } }))).toMatch(/520 ms to go and come back/);
  });

  it('lists the numbers with what they are out of', () => {
    const facts = Object.fromEntries(sideFacts(summary({ poorSeconds: 4 })));
    expect(facts).toMatchObject({
      'Estimated MOS': '4.31 (lowest 3.90)',
      'Packets lost': '1.7% (50 of 3000)',
      Path: 'direct, over UDP',
      Measured: '59 s, 4 s of it poor',
    });
  });

  it('names each end from the reader', () => {
    const side = { side: 'agent' as const, partyId: 'a1', at: 0, mark: 'good' as const, summary: summary() };
    expect(sideTitle(side, 'a1', () => null)).toBe('What you heard');
    expect(sideTitle(side, 'a2', () => null)).toBe('What the agent heard');
    expect(sideTitle({ ...side, side: 'phone', partyId: 'd1' }, 'a1', () => 'iPhone 15')).toBe(
      'What iPhone 15 heard',
    );
    expect(markSentence({ mark: 'poor', mos: 3.24, sides: [] })).toBe('Poor audio, MOS 3.2');
    expect(markSentence({ mark: null, mos: null, sides: [] })).toBe('Audio not scored');
  });

  it("sums up a phone's week", () => {
    expect(weekSentence({ good: 0, fair: 0, poor: 0, mos: null })).toBe(
      'No call with this phone was scored in the last 7 days.',
    );
    expect(weekSentence({ good: 9, fair: 0, poor: 1, mos: 4.06 })).toBe(
      'Last 7 days: 10 calls scored, 9 good, 1 poor, average MOS 4.1.',
    );
  });
});
