/**
 * Caps what the other side sends on the offer's video sections: `b=AS:<kbit/s>` (RFC 4566 5.8;
 * libwebrtc's sender honours the remote description's). The console receives the phone's video
 * and makes every offer, so the team's cap rides on the offers the phone answers, whatever the
 * phone's own encoder settings can do. A section's `b=` line goes after its `c=` line; one that is
 * there already is replaced. Null: no cap, the SDP as it was.
 */
export function capVideoBandwidth(sdp: string, kbps: number | null): string {
  if (kbps === null) return sdp;
  const sections = sdp.split(/(?=^m=)/m);
  return sections
    .map((section) => {
      if (!section.startsWith('m=video')) return section;
      const lines = section.split('\r\n').filter((l) => !l.startsWith('b=AS:'));
      const at = lines.findIndex((l) => l.startsWith('c='));
      lines.splice(at === -1 ? 1 : at + 1, 0, `b=AS:${Math.round(kbps)}`);
      return lines.join('\r\n');
    })
    .join('');
}
