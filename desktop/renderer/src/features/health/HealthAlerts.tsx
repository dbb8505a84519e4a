import { useState } from 'react';
import { useConsole, useStaff } from '../../store/hooks';
import { useRole } from '../signin';
import { PhoneHealthDialog } from './PhoneHealthDialog';
import './health.css';

/**
 * Phones that turned Not ringing or Token invalid (issue 25 item 4), as banners for admins: the
 * server announces each change once; a banner stays until dismissed, and opens the phone's health.
 * In the desktop app the same alert is also a desktop notification (desktop/main/attention.ts).
 */
export function HealthAlerts() {
  const role = useRole();
  const alerts = useConsole((s) => s.healthAlerts);
  const dismiss = useConsole((s) => s.dismissHealthAlert);
  const staff = useStaff();
  const [open, setOpen] = useState<string | null>(null);
  if (role !== 'admin' || alerts.length === 0) return null;
  const owner = staff.find((s) => s.devices.some((d) => d.id === open));
  const device = owner?.devices.find((d) => d.id === open);
  return (
    <div className="banners health-alerts">
      {alerts.map((a) => (
        <div
          key={a.deviceId}
          className="banner banner-bad"
          role="alert"
          aria-label={`${a.phone} of ${a.staff}`}
        >
          <strong>
            {a.staff}’s {a.phone}: {a.label}.
          </strong>{' '}
          <span>{a.fix}.</span>{' '}
          <button type="button" className="btn btn-sm" onClick={() => setOpen(a.deviceId)}>
            Show its health
          </button>{' '}
          <button type="button" className="btn btn-quiet btn-sm" onClick={() => dismiss(a.deviceId)}>
            Dismiss
          </button>
        </div>
      ))}
      {owner && device && (
        <PhoneHealthDialog device={device} staffName={owner.name} onClose={() => setOpen(null)} />
      )}
    </div>
  );
}
