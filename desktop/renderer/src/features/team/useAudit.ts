import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntry, AuditSubject } from '#shared';
import type { ConsoleApi } from '../../api/context';
import { refusalText } from '../../api/refusal';

const PAGE = 50;

/**
 * The audit trail, newest first, a page at a time. A new subject starts again from the top; an
 * answer for a subject no longer chosen is dropped.
 */
export function useAudit(api: ConsoleApi, subject: AuditSubject | '') {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'idle' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const mine = cursor === null ? ++generation.current : generation.current;
      setStatus('loading');
      const ack = await api.request('audit:query', {
        limit: PAGE,
        ...(subject ? { subject } : {}),
        ...(cursor ? { cursor } : {}),
      });
      if (mine !== generation.current) return;
      if (!ack.ok) {
        setStatus('error');
        setError(refusalText(ack.error));
        return;
      }
      setEntries((old) => (cursor === null ? ack.data.entries : [...old, ...ack.data.entries]));
      setNextCursor(ack.data.nextCursor);
      setStatus('idle');
      setError(null);
    },
    [api, subject],
  );
  useEffect(() => {
    void load(null);
  }, [load]);
  return {
    entries,
    nextCursor,
    status,
    error,
    reload: () => void load(null),
    more: () => void (nextCursor && load(nextCursor)),
  };
}
