import { useCallback, useEffect, useRef, useState } from 'react';
import { type DirectoryEntry, MAX_DIRECTORY_ENTRIES } from '#shared';
import type { ConsoleApi } from '../../api/context';
import {
  type DraftRow,
  findProblems,
  isBlank,
  normalizeNumber,
  sameAsSaved,
  toEntries,
  toRows,
} from './model';

export interface Saved {
  version: number;
  entries: DirectoryEntry[];
}

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; version: number }
  | { kind: 'invalid'; count: number }
  | { kind: 'failed'; message: string }
  /** Someone saved since this console loaded the list: reload, redo, save again. */
  | { kind: 'conflict'; message: string };

/**
 * Unsaved rows outlive the screen (the agent switches to the roster and back) but not the agent:
 * kept in memory per agent id, never written to disk. `base` is the version the rows were taken
 * from: what a save says it replaces.
 */
const kept = new Map<string, { rows: DraftRow[]; saved: Saved | null; base: number | null }>();

let nextKey = 0;
export const newKey = (): string => `row-${++nextKey}`;

/**
 * The directory being edited: loads the server's copy with `directory:get`, keeps what is typed
 * through failed saves and reconnects, and saves the whole list with `PUT /api/directory` (a
 * socket message is capped at 64 KB, about 1,000 numbers; the HTTP body may hold all 10,000).
 * A save names the version its rows came from, so it never silently replaces another agent's.
 */
export function useDirectory(api: ConsoleApi, agentId: string) {
  const initial = kept.get(agentId);
  const [saved, setSaved] = useState<Saved | null>(initial?.saved ?? null);
  const [rows, setRows] = useState<DraftRow[]>(initial?.rows ?? []);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const base = useRef<number | null>(initial?.base ?? null);

  useEffect(() => {
    kept.set(agentId, { rows, saved, base: base.current });
  }, [agentId, rows, saved]);

  /** Loads the server's copy; the rows follow it when untouched, or always with `discard`. */
  const fetchSaved = useCallback(
    async (discard: boolean) => {
      setLoadError(null);
      const ack = await api.request('directory:get', {});
      if (!ack.ok) {
        setLoadError(ack.error.message);
        return;
      }
      setSaved(ack.data);
      const current = rowsRef.current;
      // Only an untouched draft follows the server; edits in progress are never overwritten.
      const follow =
        discard || current.every(isBlank) || (saved !== null && sameAsSaved(current, saved.entries));
      if (follow) {
        base.current = ack.data.version;
        setRows(toRows(ack.data.entries, newKey));
      }
      if (discard) setSave({ kind: 'idle' });
    },
    [api, saved],
  );
  const load = useCallback(() => fetchSaved(false), [fetchSaved]);
  /** After a conflict: drop this console's changes and show what is saved now. */
  const discardChanges = useCallback(() => fetchSaved(true), [fetchSaved]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per mount, not whenever `saved` moves
  useEffect(() => {
    void load();
  }, []);

  const saveAll = useCallback(async (): Promise<DraftRow | null> => {
    const current = rowsRef.current;
    const problems = findProblems(current);
    if (problems.size > 0) {
      setSave({ kind: 'invalid', count: problems.size });
      return current.find((r) => problems.has(r.key)) ?? null;
    }
    const entries = toEntries(current);
    if (entries.length > MAX_DIRECTORY_ENTRIES) {
      setSave({
        kind: 'failed',
        message: `${entries.length} numbers are more than the ${MAX_DIRECTORY_ENTRIES} a directory holds. Remove some and save again`,
      });
      return null;
    }
    if (base.current === null) {
      // Typed before the saved list loaded: saving would replace numbers this console never showed.
      setSave({ kind: 'conflict', message: 'your list was started before the saved directory loaded' });
      return null;
    }
    setSave({ kind: 'saving' });
    const result = await putDirectory(api, entries, base.current);
    if (!result.ok) {
      setSave({ kind: result.conflict ? 'conflict' : 'failed', message: result.message });
      return null;
    }
    base.current = result.version;
    setSaved({ version: result.version, entries });
    // Show what was saved (normalized numbers, trimmed labels) without remounting the rows, so
    // focus stays where it was; rows typed while the save was in flight stay as typed.
    setRows((now) =>
      now
        .filter((r) => !(isBlank(r) && current.includes(r)))
        .map((r) =>
          current.includes(r) ? { ...r, number: normalizeNumber(r.number), label: r.label.trim() } : r,
        ),
    );
    setSave({ kind: 'saved', version: result.version });
    return null;
  }, [api]);

  const dirty = saved === null ? rows.some((r) => !isBlank(r)) : !sameAsSaved(rows, saved.entries);
  return { saved, rows, setRows, loadError, reload: load, discardChanges, save, saveAll, dirty };
}

type PutResult = { ok: true; version: number } | { ok: false; conflict: boolean; message: string };

/** `PUT /api/directory`; never throws: a network failure or an odd answer becomes a message. */
async function putDirectory(
  api: ConsoleApi,
  entries: DirectoryEntry[],
  baseVersion: number,
): Promise<PutResult> {
  const res = await api.http('PUT /api/directory', { body: { entries, baseVersion } });
  if (res.ok) return { ok: true, version: res.data.version };
  const { error, status } = res;
  if (error.code === 'UNAVAILABLE') {
    return {
      ok: false,
      conflict: false,
      message: 'the server cannot be reached; your numbers are kept here',
    };
  }
  if (status !== null && status < 300) {
    return { ok: false, conflict: false, message: 'the server answered the save with something unexpected' };
  }
  return { ok: false, conflict: error.code === 'CONFLICT', message: error.message };
}
