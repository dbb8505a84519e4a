/**
 * Call quality from WebRTC's getStats, judged the way established voice SDKs do (Twilio's Voice
 * SDK warnings): round-trip time over 400 ms or jitter over 30 ms in 3 of the last 5 samples,
 * packet loss averaging over 3 % across 7 samples, an estimated MOS under 3.5 in 3 of 5, and
 * nothing received for 3 samples in a row. Pure: samples in, a verdict with words out. What a
 * sample holds, and the MOS estimate, are shared with the phones (shared/src/call-quality.ts).
 */
import { estimateMos, readSample, type StatsSample } from '#shared';

export { estimateMos, readSample, type StatsSample };

export const THRESHOLDS = { rttMs: 400, jitterMs: 30, lossPct: 3, mos: 3.5 } as const;

export type QualityWarning =
  | 'high-rtt'
  | 'high-jitter'
  | 'high-packet-loss'
  | 'low-mos'
  | 'no-audio-received';

export interface Quality {
  rttMs: number | null;
  jitterMs: number | null;
  /** Loss over the last sample interval, the worse direction, %. */
  lossPct: number | null;
  mos: number | null;
  candidateType: string | null;
  warnings: QualityWarning[];
  /** good: nothing near a threshold; fair: the latest sample crossed one; poor: a warning holds. */
  level: 'good' | 'fair' | 'poor';
  /** What it means, for the agent, in a sentence or two. */
  hint: string;
}

interface Judged {
  rtt: boolean;
  jitter: boolean;
  mos: boolean;
  lossPct: number;
  silent: boolean;
}

/** Feed it one sample a second; it keeps the windows the warnings are judged on. */
export class QualityMonitor {
  private previous: StatsSample | null = null;
  private judged: Judged[] = [];

  push(sample: StatsSample): Quality {
    const prev = this.previous;
    this.previous = sample;
    const received = prev ? sample.packetsReceived - prev.packetsReceived : 0;
    const lost = prev ? sample.packetsLost - prev.packetsLost : 0;
    const inboundLoss = received + lost > 0 ? (lost / (received + lost)) * 100 : 0;
    const lossPct = prev ? Math.max(inboundLoss, sample.remoteLossPct ?? 0) : (sample.remoteLossPct ?? null);
    const mos = sample.rttMs !== null ? estimateMos(sample.rttMs, sample.jitterMs ?? 0, lossPct ?? 0) : null;
    const now: Judged = {
      rtt: (sample.rttMs ?? 0) > THRESHOLDS.rttMs,
      jitter: (sample.jitterMs ?? 0) > THRESHOLDS.jitterMs,
      mos: mos !== null && mos < THRESHOLDS.mos,
      lossPct: lossPct ?? 0,
      silent: prev !== null && sample.bytesReceived <= prev.bytesReceived,
    };
    this.judged = [...this.judged, now].slice(-7);
    const last5 = this.judged.slice(-5);
    const three = (key: 'rtt' | 'jitter' | 'mos') => last5.filter((j) => j[key]).length >= 3;
    const warnings: QualityWarning[] = [];
    if (three('rtt')) warnings.push('high-rtt');
    if (three('jitter')) warnings.push('high-jitter');
    const lossWindow = this.judged.slice(-7);
    if (lossWindow.length === 7 && average(lossWindow.map((j) => j.lossPct)) > THRESHOLDS.lossPct)
      warnings.push('high-packet-loss');
    if (three('mos')) warnings.push('low-mos');
    if (this.judged.length >= 3 && this.judged.slice(-3).every((j) => j.silent))
      warnings.push('no-audio-received');
    const crossing = now.rtt || now.jitter || now.mos || now.lossPct > THRESHOLDS.lossPct;
    const quality = {
      rttMs: sample.rttMs,
      jitterMs: sample.jitterMs,
      lossPct: lossPct === null ? null : Math.round(lossPct * 10) / 10,
      mos,
      candidateType: sample.candidateType,
      warnings,
      level: warnings.length > 0 ? 'poor' : crossing ? 'fair' : 'good',
    } as const;
    return { ...quality, hint: hint(quality) };
  }
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The first warning that holds, in words; else the numbers against their limits. */
export function hint(q: Omit<Quality, 'hint'>): string {
  const via = q.candidateType === 'relay' ? ' The call goes through the TURN relay.' : '';
  switch (q.warnings[0]) {
    case 'no-audio-received':
      return 'Nothing has arrived from the phone for 3 seconds: the connection may have dropped. It reconnects by itself; if it does not, call again.';
    case 'high-packet-loss':
      return `About ${q.lossPct ?? 0}% of the audio is lost on the way: words may drop out. A busy or weak network (Wi-Fi, mobile data) usually causes it.${via}`;
    case 'high-rtt':
      return `Sound takes ${q.rttMs} ms to go and come back (over ${THRESHOLDS.rttMs}): you may talk over each other. Pause a little longer before answering.${via}`;
    case 'high-jitter':
      return `Audio arrives unevenly (jitter ${q.jitterMs} ms, over ${THRESHOLDS.jitterMs}): the voice may sound choppy or robotic. Often Wi-Fi or a busy uplink.`;
    case 'low-mos':
      return 'Delay and loss together make the call sound poor. Check the network on both sides.';
  }
  if (q.rttMs === null) return 'Measuring the connection…';
  return `Round trip ${q.rttMs} ms, jitter ${q.jitterMs ?? 0} ms, loss ${q.lossPct ?? 0}%: within what a clear call needs (${THRESHOLDS.rttMs} ms, ${THRESHOLDS.jitterMs} ms, ${THRESHOLDS.lossPct}%).${via}`;
}
