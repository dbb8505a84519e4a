/** "+38 ms", "+4.2 s", "+1 min 05 s": a timeline offset from the start of the call. */
export function formatOffset(ms: number): string {
  const v = Math.max(0, ms);
  if (v < 1000) return `+${Math.round(v)} ms`;
  if (v < 60_000) return `+${(v / 1000).toFixed(1)} s`;
  const min = Math.floor(v / 60_000);
  const s = Math.floor((v % 60_000) / 1000);
  return `+${min} min ${String(s).padStart(2, '0')} s`;
}

/** "0:07", "12:30", "1:02:03": a running call clock. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "just now", "5 min ago", "3 h ago", "12 days ago": how old a push token or a last sighting is. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return 'just now';
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}
