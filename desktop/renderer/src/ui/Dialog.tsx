import { type ReactNode, useEffect, useId, useRef } from 'react';
import { FormError } from './Field';

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it and the rest of the
 * page is inert, so every dialog is keyboard-correct without a focus-trap library. The title, a
 * refusal if there is one, the content, and the buttons at the foot (the main one last).
 */
export function Dialog({
  title,
  onClose,
  children,
  actions,
  close,
  error,
  className,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
  /** A dialog that only tells something: one main button with this label, which closes it. */
  close?: string;
  error?: string | null;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-body">
        <h2 id={titleId}>{title}</h2>
        <FormError>{error}</FormError>
        {children}
        <div className="dialog-actions">
          {actions}
          {close && (
            <button type="button" className="btn btn-primary" onClick={onClose}>
              {close}
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}

/**
 * A dialog around one form: Enter or the main button submits it (the form checks its own
 * `required` fields first), the other button cancels unless said otherwise.
 */
export function FormDialog({
  title,
  onClose,
  onSubmit,
  submit,
  busy = false,
  disabled = false,
  error,
  secondary,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void | Promise<void>;
  /** The main button's label. */
  submit: string;
  busy?: boolean;
  disabled?: boolean;
  error?: string | null;
  secondary?: { label: string; onClick: () => void };
  children: ReactNode;
}) {
  const formId = useId();
  const other = secondary ?? { label: 'Cancel', onClick: onClose };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      error={error}
      actions={
        <>
          <button type="button" className="btn" onClick={other.onClick}>
            {other.label}
          </button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={busy || disabled}>
            {submit}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit();
        }}
      >
        {children}
      </form>
    </Dialog>
  );
}
