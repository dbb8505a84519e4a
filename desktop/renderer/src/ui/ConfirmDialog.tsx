import { type ReactNode, useState } from 'react';
import type { Ack } from '#shared';
import { refusalText } from '../api/refusal';
import { Modal } from './Modal';

/**
 * Asks before a change that signs someone out or cannot be undone, sends it, and stays open with
 * the server's refusal (the last admin, a lost connection) until the admin closes it.
 */
export function ConfirmDialog<T>({
  title,
  children,
  confirm,
  danger = false,
  run,
  onDone,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirm: string;
  danger?: boolean;
  run: () => Promise<Ack<T>>;
  onDone: (data: T) => void;
  onClose: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    setError(null);
    const ack = await run();
    setBusy(false);
    if (ack.ok) onDone(ack.data);
    else setError(refusalText(ack.error));
  };
  return (
    <Modal title={title} onClose={onClose}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {children}
      <div className="dialog-actions-inline">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={busy}
          onClick={() => void go()}
        >
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
