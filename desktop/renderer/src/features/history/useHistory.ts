import { useCallback, useEffect, useRef, useState } from 'react';
import type { Call, CallQuality } from '#shared';
import type { ConsoleApi } from '../../api/context';
import type { HistoryQuery } from './filters';

export const PAGE_SIZE = 50;

export interface HistoryState {
  calls: Call[];
  /** How the listed calls sounded, by call id (those an end reported on). */
  quality: Record<string, CallQuality>;
  nextCursor: string | null;
  /** `loading` is the first page of a query; `more` a further page appended below. */
  status: 'loading' | 'more' | 'idle' | 'error';
  error: string | null;
  /** The cursor of the page that failed (null: the first page), so Retry asks for it again. */
  failedCursor: string | null;
}

const INITIAL: HistoryState = {
  calls: [],
  quality: {},
  nextCursor: null,
  status: 'loading',
  error: null,
  failedCursor: null,
};

/**
 * Cursor paging over `history:query`. A new query starts again from the first page; an answer
 * that arrives after the filters changed again belongs to an old query and is dropped.
 */
export function useHistory(api: ConsoleApi, query: HistoryQuery | null) {
  const [state, update] = useState<HistoryState>(INITIAL);
  const generation = useRef(0);
  const key = query === null ? null : JSON.stringify(query);

  const load = useCallback(
    async (cursor: string | null) => {
      if (key === null) return;
      const mine = cursor === null ? ++generation.current : generation.current;
      update((s) =>
        cursor === null ? { ...s, status: 'loading', error: null } : { ...s, status: 'more', error: null },
      );
      const filter = JSON.parse(key) as HistoryQuery;
      const ack = await api.request('history:query', {
        ...filter,
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      if (mine !== generation.current) return;
      if (!ack.ok) {
        // Rows of an earlier query must not stand in for a first page that never came.
        update((s) => ({
          ...s,
          calls: cursor === null ? [] : s.calls,
          quality: cursor === null ? {} : s.quality,
          nextCursor: cursor === null ? null : s.nextCursor,
          status: 'error',
          error: ack.error.message,
          failedCursor: cursor,
        }));
        return;
      }
      update((s) => ({
        calls: cursor === null ? ack.data.calls : [...s.calls, ...ack.data.calls],
        quality: cursor === null ? ack.data.quality : { ...s.quality, ...ack.data.quality },
        nextCursor: ack.data.nextCursor,
        status: 'idle',
        error: null,
        failedCursor: null,
      }));
    },
    [api, key],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    ...state,
    /** The page after the last one shown; a no-op while a page is on its way. */
    loadMore: () => {
      if (state.nextCursor && state.status === 'idle') void load(state.nextCursor);
    },
    retry: () => void load(state.failedCursor),
    reload: () => void load(null),
  };
}
