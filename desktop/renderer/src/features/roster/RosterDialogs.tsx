import { useConsole } from '../../store/hooks';
import { PhoneHealthDialog } from '../health';
import { PairDialog } from '../pairing';
import type { RosterDialog } from './dialogs';
import { RemoveDialog } from './RemoveDialog';
import { StaffDialog } from './StaffDialog';
import { UnpairDialog } from './UnpairDialog';

/**
 * Adding a staff member goes straight on to pairing their phone; a phone that pairs closes its
 * dialog and is highlighted in the roster.
 */
export function RosterDialogs({
  dialog,
  onChange,
}: {
  dialog: RosterDialog;
  onChange: (next: RosterDialog) => void;
}) {
  const highlightDevice = useConsole((s) => s.highlightDevice);
  const staff = useConsole((s) => s.staff);
  const close = () => onChange(null);
  switch (dialog?.kind) {
    case 'add':
      return (
        <StaffDialog
          staff={null}
          onClose={close}
          onSaved={(entry) => onChange({ kind: 'pair', staff: entry })}
        />
      );
    case 'rename':
      return <StaffDialog staff={dialog.staff} onClose={close} />;
    case 'remove':
      return <RemoveDialog staff={dialog.staff} onClose={close} />;
    case 'unpair':
      return (
        <UnpairDialog
          device={dialog.staff.devices.find((d) => d.id === dialog.deviceId) ?? null}
          staffName={dialog.staff.name}
          onClose={close}
        />
      );
    case 'health': {
      // The phone as it is now (it may connect, or be unpaired, while its health is open).
      const owner = staff.find((s) => s.id === dialog.staff.id);
      const device = owner?.devices.find((d) => d.id === dialog.deviceId);
      return owner && device ? (
        <PhoneHealthDialog device={device} staffName={owner.name} onClose={close} />
      ) : null;
    }
    case 'pair':
      return (
        <PairDialog
          staff={dialog.staff}
          onClose={close}
          onPaired={(deviceId) => {
            close();
            highlightDevice(deviceId);
          }}
        />
      );
    default:
      return null;
  }
}
