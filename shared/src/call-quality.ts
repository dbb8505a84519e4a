/**
 * How a call sounded (issue 25 item 8): what both ends read from WebRTC's getStats once a second,
 * and the summary each sends the server for the call's history. The console, the virtual phone and
 * (in Swift, CompanionCore's QualitySummarizer) the iOS app run this same arithmetic;
 * `shared/fixtures/quality-summary` pins it for both languages.
 */

export const PATH_KINDS = ['direct', 'stun', 'turn'] as const;
export type PathKind = (typeof PATH_KINDS)[number];
/** How this end reaches the other (or, through TURN, the relay): TLS is TURN over TLS (`turns:`). */
export const PATH_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export type PathTransport = (typeof PATH_TRANSPORTS)[number];

export interface QualityPath {
  /** direct: host to host; stun: through a NAT, found by STUN; turn: through the TURN relay. */
  kind: PathKind;
  transport: PathTransport;
}

/** One reading of the peer connection's stats; the counters are cumulative since the peer began. */
export interface StatsSample {
  /** Selected candidate pair's current round trip (else the remote report's), ms. */
  rttMs: number | null;
  /** Jitter of what arrives from the other end, ms. */
  jitterMs: number | null;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  /** Audio samples played out, and those of them the decoder had to make up (lost or late). */
  totalSamplesReceived: number;
  concealedSamples: number;
  /** The other end's report of what it loses of ours (remote-inbound-rtp fractionLost), %. */
  remoteLossPct: number | null;
  /** Local type of the selected candidate pair: host, srflx, prflx, relay. */
  candidateType: string | null;
  path: QualityPath | null;
}

type Stat = Record<string, unknown> & { type: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Reads one getStats() report (a browser's or libwebrtc's in Node). */
export function readSample(report: Iterable<Stat>): StatsSample {
  const stats = [...report];
  const byId = new Map(stats.map((s) => [String(s.id), s]));
  const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  const remote = stats.find((s) => s.type === 'remote-inbound-rtp' && s.kind === 'audio');
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair =
    (transport && byId.get(String(transport.selectedCandidatePairId))) ??
    stats.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
  const rtt = num(pair?.currentRoundTripTime) ?? num(remote?.roundTripTime);
  const jitter = num(inbound?.jitter);
  const fraction = num(remote?.fractionLost);
  const local = pair ? byId.get(String(pair.localCandidateId)) : undefined;
  const far = pair ? byId.get(String(pair.remoteCandidateId)) : undefined;
  return {
    rttMs: rtt === null ? null : Math.round(rtt * 1000),
    jitterMs: jitter === null ? null : Math.round(jitter * 1000),
    packetsReceived: num(inbound?.packetsReceived) ?? 0,
    packetsLost: Math.max(0, num(inbound?.packetsLost) ?? 0),
    bytesReceived: num(inbound?.bytesReceived) ?? 0,
    totalSamplesReceived: num(inbound?.totalSamplesReceived) ?? 0,
    concealedSamples: num(inbound?.concealedSamples) ?? 0,
    remoteLossPct: fraction === null ? null : fraction * 100,
    candidateType: str(local?.candidateType),
    path: local ? pathOf(local, far) : null,
  };
}

/**
 * The path of the selected pair. Through TURN when either end is a relay candidate; its transport
 * is then how this end reaches its relay (`relayProtocol`: udp, tcp or tls), else the pair's own.
 */
export function pathOf(local: Stat, remote: Stat | undefined): QualityPath {
  const types = [str(local.candidateType), str(remote?.candidateType)];
  const kind: PathKind = types.includes('relay')
    ? 'turn'
    : types.includes('srflx') || types.includes('prflx')
      ? 'stun'
      : 'direct';
  const relayed = str(local.candidateType) === 'relay' ? str(local.relayProtocol) : null;
  const protocol = relayed ?? str(local.protocol) ?? 'udp';
  const transport = (PATH_TRANSPORTS as readonly string[]).includes(protocol)
    ? (protocol as PathTransport)
    : 'udp';
  return { kind, transport };
}

/**
 * ITU-T G.107's E-model, simplified as voice SDKs do (one-way delay taken as half the round trip,
 * jitter counted twice for the buffer that absorbs it, 10 ms for the codec):
 *   d = rtt/2 + 2·jitter + 10 (ms);  Id = d/40 when d < 160, else (d − 120)/10;
 *   R = 93.2 − Id − 2.5·loss% (clamped to 0…100);  MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R).
 * 4.4 is as good as narrowband gets; rounded to hundredths. The cubic dips below 1 for R under
 * about 6.5, where G.107 has the floor of its scale: MOS is never under 1.
 */
export function estimateMos(rttMs: number, jitterMs: number, lossPct: number): number {
  const latency = rttMs / 2 + jitterMs * 2 + 10;
  const delay = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const r = Math.max(0, Math.min(100, 93.2 - delay - lossPct * 2.5));
  return Math.max(1, Math.round((1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r)) * 100) / 100);
}

/**
 * G.107's user-satisfaction bands (Annex B) on the MOS scale: good from R 80 ("satisfied", MOS
 * 4.03), fair from R 70 ("some users dissatisfied", MOS 3.60), poor below ("many dissatisfied").
 */
export const MOS_GOOD = 4.03;
export const MOS_FAIR = 3.6;

export const QUALITY_MARKS = ['good', 'fair', 'poor'] as const;
export type QualityMark = (typeof QUALITY_MARKS)[number];

export interface Spread {
  avg: number;
  max: number;
}

/** What one end heard over the call (or the part of it that end was in). */
export interface QualitySummary {
  /** Readings taken (one a second). */
  samples: number;
  /** From the first reading to the last. */
  seconds: number;
  rttMs: Spread | null;
  jitterMs: Spread | null;
  packetsReceived: number;
  packetsLost: number;
  /** Packets lost of those sent to this end, %; null before any arrived. */
  lossPct: number | null;
  /** Audio the decoder made up for what was lost or late, % of what played; null before any. */
  concealedPct: number | null;
  /** The E-model's score of each second with audio: the average and the worst. */
  mos: { avg: number; min: number } | null;
  /** Seconds scored below MOS_FAIR. */
  poorSeconds: number;
  /** The path of the latest reading. */
  path: QualityPath | null;
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/**
 * Feed it one reading a second, each with its time. A counter that goes back means the peer was
 * replaced (an offer from a new session, a transfer): the new peer's counters count from zero.
 */
export class QualitySummarizer {
  private first: number | null = null;
  private last: number | null = null;
  private previous: StatsSample | null = null;
  private count = 0;
  private received = 0;
  private lost = 0;
  private played = 0;
  private concealed = 0;
  private rtts: number[] = [];
  private jitters: number[] = [];
  private scores: number[] = [];
  private poor = 0;
  private path: QualityPath | null = null;

  push(sample: StatsSample, at: number): void {
    this.first ??= at;
    this.last = at;
    this.count += 1;
    const prev = this.previous;
    const fresh = !prev || sample.packetsReceived < prev.packetsReceived;
    const since = (key: 'packetsReceived' | 'packetsLost' | 'totalSamplesReceived' | 'concealedSamples') =>
      Math.max(0, fresh ? sample[key] : sample[key] - prev[key]);
    const received = since('packetsReceived');
    const lost = since('packetsLost');
    this.previous = sample;
    this.received += received;
    this.lost += lost;
    this.played += since('totalSamplesReceived');
    this.concealed += since('concealedSamples');
    if (sample.rttMs !== null) this.rtts.push(sample.rttMs);
    if (sample.jitterMs !== null) this.jitters.push(sample.jitterMs);
    if (sample.path) this.path = sample.path;
    // A second is scored once audio arrived in it and the round trip is known.
    if (prev && received + lost > 0 && sample.rttMs !== null) {
      const score = estimateMos(sample.rttMs, sample.jitterMs ?? 0, (lost / (received + lost)) * 100);
      this.scores.push(score);
      if (score < MOS_FAIR) this.poor += 1;
    }
  }

  summary(): QualitySummary | null {
    if (this.first === null || this.last === null) return null;
    const total = this.received + this.lost;
    return {
      samples: this.count,
      seconds: Math.round((this.last - this.first) / 1000),
      rttMs: spread(this.rtts),
      jitterMs: spread(this.jitters),
      packetsReceived: this.received,
      packetsLost: this.lost,
      lossPct: total > 0 ? round((this.lost / total) * 100, 1) : null,
      concealedPct: this.played > 0 ? round((this.concealed / this.played) * 100, 1) : null,
      mos:
        this.scores.length > 0
          ? { avg: round(average(this.scores), 2), min: Math.min(...this.scores) }
          : null,
      poorSeconds: this.poor,
      path: this.path,
    };
  }
}

function average(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  return { avg: Math.round(average(values)), max: Math.max(...values) };
}

/** Readings needed before "nothing arrived" counts against a call rather than its first second. */
const SILENT_AFTER_SAMPLES = 3;

/**
 * One end's mark: its average MOS in G.107's bands, and poor when nothing arrived at all over
 * several readings (a one-way call). Null when there is nothing to judge yet.
 */
export function markOf(summary: QualitySummary): QualityMark | null {
  if (summary.mos === null) {
    return summary.packetsReceived === 0 && summary.samples >= SILENT_AFTER_SAMPLES ? 'poor' : null;
  }
  if (summary.mos.avg >= MOS_GOOD) return 'good';
  return summary.mos.avg >= MOS_FAIR ? 'fair' : 'poor';
}

/** The call's mark: the worse of its ends' (each end hears a different direction). */
export function worstMark(marks: readonly (QualityMark | null)[]): QualityMark | null {
  let worst: QualityMark | null = null;
  for (const mark of marks) {
    if (mark !== null && (worst === null || QUALITY_MARKS.indexOf(mark) > QUALITY_MARKS.indexOf(worst)))
      worst = mark;
  }
  return worst;
}
