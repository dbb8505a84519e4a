import { describe, expect, it } from 'vitest';
import { estimateMos, QualityMonitor, readSample, type StatsSample } from './quality';

const sample = (over: Partial<StatsSample> & { n: number }): StatsSample => ({
  rttMs: 40,
  jitterMs: 5,
  packetsReceived: over.n * 50,
  packetsLost: 0,
  bytesReceived: over.n * 4_000,
  totalSamplesReceived: over.n * 48_000,
  concealedSamples: 0,
  remoteLossPct: 0,
  candidateType: 'host',
  path: { kind: 'direct', transport: 'udp' },
  ...over,
});

/** Feeds samples 1..n (cumulative counters grow by one second each) and returns the last verdict. */
function feed(samples: ((n: number) => Partial<StatsSample>)[]) {
  const monitor = new QualityMonitor();
  return samples.map((f, i) => monitor.push(sample({ n: i + 1, ...f(i + 1) }))).at(-1)!;
}

describe('call quality, judged like established voice SDKs', () => {
  it('reads RTT, jitter, loss and the path from a getStats report', () => {
    const s = readSample([
      { type: 'transport', id: 't', selectedCandidatePairId: 'p' },
      { type: 'candidate-pair', id: 'p', currentRoundTripTime: 0.123, localCandidateId: 'l' },
      { type: 'local-candidate', id: 'l', candidateType: 'relay' },
      {
        type: 'inbound-rtp',
        id: 'i',
        kind: 'audio',
        jitter: 0.0125,
        packetsReceived: 900,
        packetsLost: 12,
        bytesReceived: 70_000,
      },
      { type: 'remote-inbound-rtp', id: 'r', kind: 'audio', roundTripTime: 0.2, fractionLost: 0.02 },
    ]);
    expect(s).toEqual({
      rttMs: 123,
      jitterMs: 13,
      packetsReceived: 900,
      packetsLost: 12,
      bytesReceived: 70_000,
      totalSamplesReceived: 0,
      concealedSamples: 0,
      remoteLossPct: 2,
      candidateType: 'relay',
      path: { kind: 'turn', transport: 'udp' },
    });
  });

  it('a good line is good, with the numbers against their limits in words', () => {
    const q = feed(Array.from({ length: 5 }, () => () => ({})));
    expect(q).toMatchObject({ level: 'good', warnings: [], rttMs: 40, jitterMs: 5, lossPct: 0 });
    expect(q.hint).toContain('within what a clear call needs (400 ms, 30 ms, 3%)');
  });

  it('RTT over 400 ms warns after 3 of the last 5 samples, not after one', () => {
    const slow = () => ({ rttMs: 450 });
    const ok = () => ({});
    expect(feed([ok, ok, ok, ok, slow])).toMatchObject({ level: 'fair', warnings: [] });
    const q = feed([ok, slow, ok, slow, slow]);
    expect(q.warnings).toContain('high-rtt');
    expect(q.level).toBe('poor');
    expect(q.hint).toContain('450 ms to go and come back');
    expect(feed([slow, slow, slow, ok, ok, ok]).warnings).not.toContain('high-rtt');
  });

  it('jitter over 30 ms warns after 3 of 5', () => {
    const q = feed([
      () => ({ jitterMs: 35 }),
      () => ({ jitterMs: 40 }),
      () => ({}),
      () => ({ jitterMs: 31 }),
    ]);
    expect(q.warnings).toEqual(['high-jitter']);
    expect(q.hint).toContain('jitter 31 ms');
  });

  it('packet loss warns when it averages over 3 % across 7 samples', () => {
    // 5 % lost each second on what arrives: 50 received + ~3 lost per second.
    const lossy = (n: number) => ({ packetsLost: n * 3 });
    expect(feed(Array.from({ length: 6 }, () => lossy)).warnings).toEqual([]);
    const q = feed(Array.from({ length: 8 }, () => lossy));
    expect(q.warnings).toContain('high-packet-loss');
    expect(q.lossPct).toBeCloseTo(5.7, 1);
  });

  it('nothing received for 3 samples in a row says so first', () => {
    const stalled = (n: number) => ({ bytesReceived: Math.min(n, 2) * 4_000 });
    const q = feed(Array.from({ length: 5 }, () => stalled));
    expect(q.warnings[0]).toBe('no-audio-received');
    expect(q.hint).toContain('Nothing has arrived from the phone');
  });

  it('estimates MOS as the E-model does: 4.4 on a clean line, under 3.5 with delay and loss', () => {
    expect(estimateMos(20, 2, 0)).toBeGreaterThan(4.3);
    expect(estimateMos(600, 40, 5)).toBeLessThan(3.5);
  });
});
