import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryEntry } from '#shared';
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
  | { kind: 'failed'; message: string };

/**
 * Unsaved rows outlive the screen (the agent switches to the roster and back) but not the agent:
 * kept in memory per agent id, never written to disk.
 */
const kept = new Map<string, { rows: DraftRow[]; saved: Saved | null }>();

/**
 * The server's Socket.IO message cap (`maxMessageBytes`, 64 KB by default). A bigger
 * `directory:set` does not get an error: the server drops the connection and the ack never comes,
 * so the size is checked here first (about 900 numbers) and the agent is told why.
 */
const MAX_SET_BYTES = 64 * 1024 - 512;

let nextKey = 0;
export const newKey = (): string => `row-${++nextKey}`;

/**
 * The directory being edited: loads the server's copy with `directory:get`, keeps what is typed
 * through failed saves and reconnects, and saves the whole list with `directory:set`.
 */
export function useDirectory(api: ConsoleApi, agentId: string) {
  const initial = kept.get(agentId);
  const [saved, setSaved] = useState<Saved | null>(initial?.saved ?? null);
  const [rows, setRows] = useState<DraftRow[]>(initial?.rows ?? []);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  useEffect(() => {
    kept.set(agentId, { rows, saved });
  }, [agentId, rows, saved]);

  const load = useCallback(async () => {
    setLoadError(null);
    const ack = await api.request('directory:get', {});
    if (!ack.ok) {
      setLoadError(ack.error.message);
      return;
    }
    setSaved(ack.data);
    // Only an untouched draft follows the server; edits in progress are never overwritten.
    setRows((current) =>
      current.every(isBlank) || (saved !== null && sameAsSaved(current, saved.entries))
        ? toRows(ack.data.entries, newKey)
        : current,
    );
  }, [api, saved]);

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
    const bytes = new TextEncoder().encode(JSON.stringify({ entries })).length;
    if (bytes > MAX_SET_BYTES) {
      setSave({
        kind: 'failed',
        message: `${entries.length} numbers make ${Math.ceil(bytes / 1024)} KB, more than the ${Math.floor(
          MAX_SET_BYTES / 1024,
        )} KB the server accepts in one save. Remove some numbers (or shorten labels) and save again`,
      });
      return null;
    }
    setSave({ kind: 'saving' });
    const ack = await api.request('directory:set', { entries });
    if (!ack.ok) {
      setSave({ kind: 'failed', message: ack.error.message });
      return null;
    }
    setSaved({ version: ack.data.version, entries });
    // Show what was saved (normalized numbers, trimmed labels) without remounting the rows, so
    // focus stays where it was; rows typed while the save was in flight stay as typed.
    setRows((now) =>
      now
        .filter((r) => !(isBlank(r) && current.includes(r)))
        .map((r) =>
          current.includes(r) ? { ...r, number: normalizeNumber(r.number), label: r.label.trim() } : r,
        ),
    );
    setSave({ kind: 'saved', version: ack.data.version });
    return null;
  }, [api]);

  const dirty = saved === null ? rows.some((r) => !isBlank(r)) : !sameAsSaved(rows, saved.entries);
  return { saved, rows, setRows, loadError, reload: load, save, saveAll, dirty };
}
