import type { ReactNode } from 'react';
import type { Ack } from '#shared';
import { Dialog } from './Dialog';
import { useRequest } from './useRequest';

/**
 * Asks before a change that signs someone out or cannot be undone, sends it, and stays open with
 * the server's refusal (the last admin, a lost connection) until it is closed.
 */
export function Confirm<T>({
  title,
  children,
  confirm,
  cancel = 'Cancel',
  danger = false,
  run,
  onDone,
  onClose,
}: {
  title: string;
  children: ReactNode;
  /** The button that makes the change, named after it ("Remove Ana"). */
  confirm: string;
  cancel?: string;
  danger?: boolean;
  run: () => Promise<Ack<T>>;
  onDone: (data: T) => void;
  onClose: () => void;
}) {
  const request = useRequest();
  const go = async () => {
    const ack = await request.run(run);
    if (ack.ok) onDone(ack.data);
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      error={request.error}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {cancel}
          </button>
          <button
            type="button"
            className={danger ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={request.busy}
            onClick={() => void go()}
          >
            {confirm}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
