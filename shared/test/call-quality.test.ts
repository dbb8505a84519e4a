import { describe, expect, it } from 'vitest';
import {
  estimateMos,
  MOS_FAIR,
  MOS_GOOD,
  markOf,
  QualitySummarizer,
  type QualitySummary,
  readSample,
  type StatsSample,
  worstMark,
} from '#shared';

const reading = (n: number, over: Partial<StatsSample> = {}): StatsSample => ({
  rttMs: 40,
  jitterMs: 4,
  packetsReceived: n * 50,
  packetsLost: 0,
  bytesReceived: n * 4_000,
  totalSamplesReceived: n * 48_000,
  concealedSamples: 0,
  remoteLossPct: 0,
  candidateType: 'host',
  path: { kind: 'direct', transport: 'udp' },
  ...over,
});

const pair = (local: Record<string, unknown>, remote: Record<string, unknown>) =>
  readSample([
    { type: 'transport', id: 't', selectedCandidatePairId: 'p' },
    { type: 'candidate-pair', id: 'p', localCandidateId: 'l', remoteCandidateId: 'r' },
    { type: 'local-candidate', id: 'l', ...local },
    { type: 'remote-candidate', id: 'r', ...remote },
  ]).path;

describe('the path of a call', () => {
  it('is direct host to host, STUN through a NAT, TURN through a relay with its transport to it', () => {
    expect(pair({ candidateType: 'host', protocol: 'udp' }, { candidateType: 'host' })).toEqual({
      kind: 'direct',
      transport: 'udp',
    });
    expect(pair({ candidateType: 'srflx', protocol: 'udp' }, { candidateType: 'host' })?.kind).toBe('stun');
    expect(pair({ candidateType: 'host', protocol: 'udp' }, { candidateType: 'prflx' })?.kind).toBe('stun');
    // libwebrtc and Chromium name the relay's transport in relayProtocol: turns: is tls.
    expect(
      pair({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' }, { candidateType: 'host' }),
    ).toEqual({ kind: 'turn', transport: 'tls' });
    expect(pair({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tcp' }, {})).toEqual({
      kind: 'turn',
      transport: 'tcp',
    });
    // The other end relays: still through TURN, and this end reaches it over its own pair.
    expect(pair({ candidateType: 'host', protocol: 'tcp' }, { candidateType: 'relay' })).toEqual({
      kind: 'turn',
      transport: 'tcp',
    });
  });

  it('reads concealed audio from inbound-rtp', () => {
    const s = readSample([
      { type: 'inbound-rtp', id: 'i', kind: 'audio', totalSamplesReceived: 96_000, concealedSamples: 4_800 },
    ]);
    expect([s.totalSamplesReceived, s.concealedSamples, s.path]).toEqual([96_000, 4_800, null]);
  });
});

describe('the E-model (ITU-T G.107, simplified)', () => {
  it('gives 4.4 on a clean line and falls with delay, jitter and loss', () => {
    expect(estimateMos(0, 0, 0)).toBe(4.4);
    expect(estimateMos(40, 4, 0)).toBe(4.39);
    // R = 93.2 − (20+8+10)/40 − 2.5·10 = 67.25
    expect(estimateMos(40, 4, 10)).toBe(3.47);
    // Past 160 ms one way the delay costs four times as much: (400/2 + 10 − 120)/10 = 9
    expect(estimateMos(400, 0, 0)).toBe(4.17);
    expect(estimateMos(800, 50, 0)).toBe(2.8);
    expect(estimateMos(100, 0, 60)).toBe(1);
  });

  it('never scores under 1, where the cubic dips for R under about 6.5 (35 % loss: R 5.45)', () => {
    expect(estimateMos(0, 0, 35)).toBe(1);
    expect(estimateMos(40, 10, 34)).toBe(1);
  });
});

describe('a summary of what one end heard', () => {
  it('counts loss against what was sent, scores each second, and keeps the latest path', () => {
    const s = new QualitySummarizer();
    let lost = 0;
    for (let n = 1; n <= 5; n++) {
      lost += n === 4 ? 10 : 0;
      s.push(reading(n, { packetsLost: lost, rttMs: 40 + n * 10 }), 1_000 * n);
    }
    s.push(
      reading(6, { packetsLost: lost, path: { kind: 'turn', transport: 'tls' }, concealedSamples: 2_880 }),
      6_200,
    );
    const summary = s.summary()!;
    expect(summary).toMatchObject({
      samples: 6,
      seconds: 5,
      rttMs: { avg: 65, max: 90 },
      packetsReceived: 300,
      packetsLost: 10,
      lossPct: 3.2,
      concealedPct: 1,
      poorSeconds: 1,
      path: { kind: 'turn', transport: 'tls' },
    });
    // The first reading has nothing before it; the lossy second (10 of 60 lost) scores 2.58.
    expect(summary.mos?.min).toBe(2.58);
    expect(summary.mos?.avg).toBe(
      Math.round(
        ((estimateMos(60, 4, 0) +
          estimateMos(70, 4, 0) +
          2.58 +
          estimateMos(90, 4, 0) +
          estimateMos(40, 4, 0)) /
          5) *
          100,
      ) / 100,
    );
  });

  it('starts counting again from zero when the peer is replaced mid-call', () => {
    const s = new QualitySummarizer();
    s.push(reading(1), 0);
    s.push(reading(20), 1_000);
    // A new peer (a new session, a transfer): its counters begin again.
    s.push(reading(2), 2_000);
    s.push(reading(3), 3_000);
    expect(s.summary()).toMatchObject({ packetsReceived: 1_000 + 100 + 50, packetsLost: 0 });
  });

  it('has nothing to say before the first reading', () => {
    expect(new QualitySummarizer().summary()).toBeNull();
  });
});

describe('marks', () => {
  const withMos = (avg: number | null, packetsReceived = 500, samples = 10): QualitySummary => ({
    samples,
    seconds: samples - 1,
    rttMs: null,
    jitterMs: null,
    packetsReceived,
    packetsLost: 0,
    lossPct: null,
    concealedPct: null,
    mos: avg === null ? null : { avg, min: avg },
    poorSeconds: 0,
    path: null,
  });

  it("follow G.107's satisfaction bands at their edges", () => {
    expect([MOS_GOOD, MOS_FAIR]).toEqual([4.03, 3.6]);
    expect(markOf(withMos(4.03))).toBe('good');
    expect(markOf(withMos(4.02))).toBe('fair');
    expect(markOf(withMos(3.6))).toBe('fair');
    expect(markOf(withMos(3.59))).toBe('poor');
  });

  it('call a line where nothing ever arrived poor, once there were readings enough to say so', () => {
    expect(markOf(withMos(null, 0, 3))).toBe('poor');
    expect(markOf(withMos(null, 0, 2))).toBeNull();
    expect(markOf(withMos(null, 50, 10))).toBeNull();
  });

  it("make a call's mark its worse end's", () => {
    expect(worstMark(['good', 'poor', null])).toBe('poor');
    expect(worstMark(['good', 'fair'])).toBe('fair');
    expect(worstMark([null, null])).toBeNull();
  });
});
