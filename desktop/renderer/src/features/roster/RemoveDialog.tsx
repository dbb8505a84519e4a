import type { StaffEntry } from '#shared';
import { useApi } from '../../api/context';
import { Confirm } from '../../ui/Confirm';

export function RemoveDialog({ staff, onClose }: { staff: StaffEntry; onClose: () => void }) {
  const api = useApi();
  const phones = staff.devices.length;
  return (
    <Confirm
      title={`Remove ${staff.name}?`}
      confirm={`Remove ${staff.name}`}
      cancel="Keep"
      danger
      run={() => api.request('staff:remove', { staffId: staff.id })}
      onDone={onClose}
      onClose={onClose}
    >
      <p>
        {phones > 0
          ? `Their ${phones === 1 ? 'phone is unpaired and stops' : `${phones} phones are unpaired and stop`} ringing. Their call history stays.`
          : 'Their call history stays.'}
      </p>
    </Confirm>
  );
}
