import { useState } from 'react';
import type { StaffEntry } from '#shared';
import { useApi } from '../../api/context';
import { Modal } from '../../ui/Modal';

export function RemoveDialog({ staff, onClose }: { staff: StaffEntry; onClose: () => void }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const phones = staff.devices.length;

  async function remove() {
    setBusy(true);
    const ack = await api.request('staff:remove', { staffId: staff.id });
    setBusy(false);
    if (ack.ok) onClose();
    else
      setError(
        ack.error.code === 'UNAVAILABLE' ? 'The server did not answer. Try again.' : ack.error.message,
      );
  }

  return (
    <Modal title={`Remove ${staff.name}?`} onClose={onClose}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p>
        {phones > 0
          ? `Their ${phones === 1 ? 'phone is' : `${phones} phones are`} unpaired and stop ringing. Their call history stays.`
          : 'Their call history stays.'}
      </p>
      <div className="dialog-actions-inline">
        <button type="button" className="btn" onClick={onClose}>
          Keep
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()}>
          Remove {staff.name}
        </button>
      </div>
    </Modal>
  );
}
