/** What the console shows of the phone's video, from getStats' inbound-rtp video entry. */
export interface VideoStats {
  width: number;
  height: number;
  fps: number;
  /** Over the last interval; null for the first reading. */
  kbps: number | null;
  /** Frames the decoder dropped or froze on so far. */
  dropped: number;
  at: number;
  bytes: number;
}

/** Reads the inbound video from one getStats report; `prev` gives the bitrate. Null without video. */
export function readVideoStats(
  stats: Iterable<Record<string, unknown>>,
  now: number,
  prev: VideoStats | null,
): VideoStats | null {
  for (const s of stats) {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
    const bytes = Number(s.bytesReceived ?? 0);
    const seconds = prev ? (now - prev.at) / 1000 : 0;
    return {
      width: Number(s.frameWidth ?? 0),
      height: Number(s.frameHeight ?? 0),
      fps: Math.round(Number(s.framesPerSecond ?? 0)),
      kbps: prev && seconds > 0 ? Math.max(0, Math.round(((bytes - prev.bytes) * 8) / 1000 / seconds)) : null,
      dropped: Number(s.framesDropped ?? 0) + Number(s.freezeCount ?? 0),
      at: now,
      bytes,
    };
  }
  return null;
}

/** `640×480 · 30 fps · 1,100 kbit/s`, or what is known of it. */
export function videoStatsText(v: VideoStats): string {
  const parts = [v.width > 0 ? `${v.width}×${v.height}` : 'no picture yet', `${v.fps} fps`];
  if (v.kbps !== null) parts.push(`${v.kbps.toLocaleString('en')} kbit/s`);
  return parts.join(' · ');
}
