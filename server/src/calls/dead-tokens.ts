import type { PushResult } from '../push';
import type { DeviceRow, DeviceStore } from '../storage/types';

/**
 * APNs refused the phone's token: it is marked invalid (unless the phone sent a new one meanwhile)
 * and its roster entry changes. Resolves with APNs' reason in words, or null without a token.
 */
export async function markTokenDead(
  devices: DeviceStore,
  device: DeviceRow,
  result: PushResult,
  onStaffChanged: (staffId: string) => void,
): Promise<string | null> {
  if (device.voipToken === null) return null;
  const reason = `${result.status ?? ''} ${result.reason ?? 'token rejected'}`.trim();
  const changed = await devices.markTokenInvalid(device.id, device.voipToken, reason, result.at);
  if (changed) onStaffChanged(changed.staffId);
  return reason;
}
