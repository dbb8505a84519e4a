import { type FormEvent, useState } from 'react';
import { e164, type StaffEntry } from '#shared';
import { useApi } from '../../api/context';
import { Modal } from '../../ui/Modal';

/** Add a staff member, or rename one (and change their number). */
export function StaffDialog({
  staff,
  onClose,
  onSaved,
}: {
  staff: StaffEntry | null;
  onClose: () => void;
  onSaved?: (entry: StaffEntry) => void;
}) {
  const api = useApi();
  const [name, setName] = useState(staff?.name ?? '');
  const [handle, setHandle] = useState(staff?.handle ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trimmed = handle.replace(/[\s()-]/g, '');
  const handleError =
    trimmed !== '' && !e164.safeParse(trimmed).success
      ? 'Use the international format: a plus, the country code and the number, such as +15551234567.'
      : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (handleError || name.trim() === '') return;
    setBusy(true);
    const ack = staff
      ? await api.request('staff:update', { staffId: staff.id, name: name.trim(), handle: trimmed || null })
      : await api.request('staff:create', { name: name.trim(), ...(trimmed ? { handle: trimmed } : {}) });
    setBusy(false);
    if (!ack.ok) {
      setError(
        ack.error.code === 'UNAVAILABLE' ? 'The server did not answer. Try again.' : ack.error.message,
      );
      return;
    }
    // Adding goes straight on to pairing (the caller swaps this dialog for that one).
    if (onSaved) onSaved(ack.data);
    else onClose();
  }

  return (
    <Modal title={staff ? `Rename ${staff.name}` : 'Add a staff member'} onClose={onClose}>
      <form id="staff-form" className="dialog-form" onSubmit={submit}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="staff-name">Name</label>
          <input
            id="staff-name"
            className="input"
            value={name}
            maxLength={80}
            required
            onChange={(e) => setName(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the dialog opens to type a name.
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="staff-handle">Phone number (optional)</label>
          <input
            id="staff-handle"
            className="input mono"
            inputMode="tel"
            placeholder="+15551234567"
            value={handle}
            aria-invalid={handleError !== null}
            aria-describedby="staff-handle-help"
            onChange={(e) => setHandle(e.target.value)}
          />
          <span id="staff-handle-help" className={handleError ? 'field-error' : 'muted'}>
            {handleError ?? 'Shown on the phone’s call screen; search finds it too.'}
          </span>
        </div>
      </form>
      <div className="dialog-actions-inline">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          form="staff-form"
          className="btn btn-primary"
          disabled={busy || handleError !== null}
        >
          {staff ? 'Save' : 'Add staff member'}
        </button>
      </div>
    </Modal>
  );
}
