import { useCallback, useState } from 'react';
import type { Ack } from '#shared';
import { refusalText } from '../api/refusal';

/**
 * One request at a time from a form or a dialog: busy while it runs (the button waits), and the
 * server's refusal in words until the next try.
 */
export function useRequest() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(send: () => Promise<Ack<T>>): Promise<Ack<T>> => {
    setBusy(true);
    setError(null);
    const ack = await send();
    setBusy(false);
    if (!ack.ok) setError(refusalText(ack.error));
    return ack;
  }, []);
  return { busy, error, run, refuse: setError };
}
