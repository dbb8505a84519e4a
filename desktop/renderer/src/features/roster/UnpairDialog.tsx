import type { DeviceEntry } from '#shared';
import { useApi } from '../../api/context';
import { Confirm } from '../../ui/Confirm';

/** Unpairing cannot be undone: the phone must be paired again with a new code. */
export function UnpairDialog({
  device,
  staffName,
  onClose,
}: {
  /** Null when the phone went away meanwhile (unpaired from another console). */
  device: DeviceEntry | null;
  staffName: string;
  onClose: () => void;
}) {
  const api = useApi();
  if (!device) return null;
  return (
    <Confirm
      title={`Unpair ${device.name}?`}
      confirm="Unpair"
      danger
      run={() => api.request('device:remove', { deviceId: device.id })}
      onDone={onClose}
      onClose={onClose}
    >
      <p>
        {staffName}'s phone stops ringing at once and is signed out. To use it again, pair it with a new code.
        Its call history stays.
      </p>
    </Confirm>
  );
}
