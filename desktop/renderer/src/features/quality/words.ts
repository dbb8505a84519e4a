import {
  type CallQuality,
  MOS_FAIR,
  MOS_GOOD,
  type QualityMark,
  type QualityPath,
  type QualitySideReport,
  type QualitySummary,
} from '#shared';

/** A mark in one word, as the history column and the filter name it. */
export const MARK_LABELS: Record<QualityMark, string> = { good: 'Good', fair: 'Fair', poor: 'Poor' };

/** The badge a mark wears (ui/controls.css): a shape and a word, never colour alone. */
export const MARK_BADGES: Record<QualityMark, string> = {
  good: 'badge-ok',
  fair: 'badge-warn',
  poor: 'badge-bad',
};

/** What each mark means, for the filter's hint and the details. */
export const MARK_MEANINGS: Record<QualityMark, string> = {
  good: `an estimated MOS of ${MOS_GOOD} or more both ways: a clear call`,
  fair: `MOS ${MOS_FAIR} to ${MOS_GOOD} one way: some would have noticed`,
  poor: `MOS under ${MOS_FAIR} one way, or nothing arrived: words were lost or late`,
};

export function pathInWords(path: QualityPath | null): string {
  if (!path) return 'not known';
  const over = { udp: 'UDP', tcp: 'TCP', tls: 'TLS (turns:)' }[path.transport];
  switch (path.kind) {
    case 'direct':
      return `direct, over ${over}`;
    case 'stun':
      return `direct through a NAT (found by STUN), over ${over}`;
    case 'turn':
      return `through the TURN relay, reached over ${over}`;
  }
}

const pct = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`;

/** The one thing that hurt this end most, in words; null when nothing did. */
export function troubleInWords(s: QualitySummary): string | null {
  if (s.packetsReceived === 0 && s.samples >= 3)
    return 'Nothing arrived: one-way audio (a firewall, or a muted or missing microphone on the other end).';
  if ((s.lossPct ?? 0) >= 3) return `${pct(s.lossPct!)} of the audio was lost on the way: words dropped out.`;
  if ((s.jitterMs?.avg ?? 0) > 30)
    return `Audio arrived unevenly (jitter ${s.jitterMs!.avg} ms): choppy or robotic sound.`;
  if ((s.rttMs?.avg ?? 0) > 400)
    return `Sound took ${s.rttMs!.avg} ms to go and come back: people talk over each other.`;
  if ((s.concealedPct ?? 0) >= 5)
    return `${pct(s.concealedPct!)} of what played was made up for late or lost audio.`;
  return null;
}

/** The facts of one end's report, label and value, for a definition list. */
export function sideFacts(s: QualitySummary): [string, string][] {
  const facts: [string, string][] = [];
  facts.push([
    'Estimated MOS',
    s.mos ? `${s.mos.avg.toFixed(2)} (lowest ${s.mos.min.toFixed(2)})` : 'not scored',
  ]);
  facts.push(['Round trip', s.rttMs ? `${s.rttMs.avg} ms (highest ${s.rttMs.max} ms)` : 'not measured']);
  facts.push(['Jitter', s.jitterMs ? `${s.jitterMs.avg} ms (highest ${s.jitterMs.max} ms)` : 'not measured']);
  facts.push([
    'Packets lost',
    s.lossPct === null
      ? 'none arrived'
      : `${pct(s.lossPct)} (${s.packetsLost} of ${s.packetsReceived + s.packetsLost})`,
  ]);
  facts.push(['Concealed audio', s.concealedPct === null ? 'none played' : pct(s.concealedPct)]);
  facts.push(['Path', pathInWords(s.path)]);
  facts.push(['Measured', `${s.seconds} s${s.poorSeconds > 0 ? `, ${s.poorSeconds} s of it poor` : ''}`]);
  return facts;
}

/** Who an end is, from the reader's side: what you heard, what the phone heard. */
export function sideTitle(
  side: QualitySideReport,
  me: string | null,
  deviceName: (id: string) => string | null,
): string {
  if (side.side === 'agent') return side.partyId === me ? 'What you heard' : 'What the agent heard';
  const name = deviceName(side.partyId);
  return name ? `What ${name} heard` : 'What the phone heard';
}

/** The history cell's accessible words: "Poor audio, MOS 3.2". */
export function markSentence(q: CallQuality): string {
  if (!q.mark) return 'Audio not scored';
  return `${MARK_LABELS[q.mark]} audio${q.mos === null ? '' : `, MOS ${q.mos.toFixed(1)}`}`;
}
