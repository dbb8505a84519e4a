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

/**
 * Epoch ms to "29 Nov, 14:02:07" in the agent's own locale and time zone; the year only when it
 * is not this year's, since a dense list is read by day and time.
 */
export function formatWhen(ms: number, now = Date.now(), locale?: string): string {
  const date = new Date(ms);
  return date.toLocaleString(locale, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() !== new Date(now).getFullYear() ? { year: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "29 Nov 2025, 14:02:07": the full date, for one call's details. */
export const formatFullDate = (ms: number, locale?: string): string =>
  new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
