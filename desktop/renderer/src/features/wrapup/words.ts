import type { Disposition, WrapUp } from '#shared';

/** What the picker offers: the active dispositions, and the call's own one if it was removed since. */
export function pickable(all: Disposition[], current: string | null): Disposition[] {
  return all.filter((d) => !d.archived || d.id === current);
}

/** A disposition as a list names it: a removed one says so. */
export const dispositionLabel = (d: Disposition): string => (d.archived ? `${d.name} (removed)` : d.name);

/** Whether the form differs from what was saved (or, never saved, has anything in it). */
export function unsaved(saved: WrapUp | undefined, note: string, dispositionId: string | null): boolean {
  if (!saved) return note.trim() !== '' || dispositionId !== null;
  return saved.note !== note || saved.dispositionId !== dispositionId;
}

/** The admins' editor: names trimmed, none empty, none twice (case aside). Null when it is fine. */
export function listProblem(names: string[]): string | null {
  const trimmed = names.map((n) => n.trim());
  if (trimmed.some((n) => n === '')) return 'every disposition needs a name';
  if (trimmed.some((n) => n.length > 60)) return 'a disposition has at most 60 characters';
  const seen = new Set<string>();
  for (const n of trimmed) {
    const key = n.toLowerCase();
    if (seen.has(key)) return `“${n}” is on the list twice`;
    seen.add(key);
  }
  return null;
}
