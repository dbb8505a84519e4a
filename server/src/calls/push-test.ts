import { ERROR_CODES, type PushTestResult } from '#shared';
import { AppError, notFound } from '../errors';
import type { PushResult } from '../push';
import type { Storage } from '../storage/types';
import { markTokenDead } from './dead-tokens';
import type { PushSender } from './push-sender';

export interface PushTestDeps {
  storage: Storage;
  pushes: PushSender;
  /** Told when APNs' answer marked the phone's token dead (its roster entry changed). */
  onStaffChanged: (staffId: string) => void;
  /** The same, by phone: it turned Token invalid, which admins are alerted of (issue 25 item 4). */
  onTokenDead?: (deviceId: string) => void;
}

/**
 * `push:test`: one test push to one phone, answered with APNs' verdict in words. A dead token is
 * marked invalid exactly as a ring would mark it, so the roster shows what the test found.
 */
export async function sendTestPush(d: PushTestDeps, deviceId: string): Promise<PushTestResult> {
  const device = await d.storage.devices.get(deviceId);
  if (!device) throw notFound('phone');
  if (!d.pushes.enabled) {
    throw new AppError(
      ERROR_CODES.CONFLICT,
      'this server has no APNs credentials, so it cannot send VoIP pushes: add the .p8 key, key id, team id and bundle id first',
    );
  }
  if (device.voipToken === null) {
    throw new AppError(
      ERROR_CODES.CONFLICT,
      'this phone has not sent a VoIP token yet: open the Switchboard app on it (it registers for pushes at launch)',
    );
  }
  const result = await d.pushes.test(device);
  if (!result)
    throw new AppError(ERROR_CODES.INTERNAL, 'the test push could not be sent; see the server log');
  if (result.outcome === 'tokenInvalid') {
    await markTokenDead(d.storage.devices, device, result, d.onStaffChanged);
    d.onTokenDead?.(device.id);
  }
  return {
    outcome: result.outcome,
    status: result.status,
    reason: result.reason,
    apnsId: result.apnsId,
    latencyMs: result.latencyMs,
    attempts: result.attempt,
    message: describeTestPush(result, d.pushes.status().lastError?.message ?? null),
  };
}

/** What APNs' answer means for whoever pressed "Send a test push". */
export function describeTestPush(result: PushResult, configProblem: string | null): string {
  const answer = [result.status ?? 'no answer', result.reason].filter((p) => p !== null).join(' ');
  const ms = Math.round(result.latencyMs);
  switch (result.outcome) {
    case 'accepted':
      return (
        `APNs accepted the test push in ${ms} ms${result.apnsId ? ` (apns-id ${result.apnsId})` : ''}. ` +
        'Accepted is not delivered: the phone shows a call that ends at once, and its Status screen lists the push.'
      );
    case 'tokenInvalid':
      return (
        `APNs refused this phone's token (${answer}): the app was removed or its token changed. ` +
        'Open the app on the phone so it sends a new token; until then the phone cannot be rung by push.'
      );
    case 'configError':
      return `APNs refused the server's credentials or topic (${answer}). ${configProblem ?? 'Check the APNs settings.'}`;
    case 'retryable':
      return (
        `APNs did not take the test push (${answer}) after ${result.attempt} attempt${result.attempt === 1 ? '' : 's'}: ` +
        'it is unreachable or throttling this server. Check the network and try again in a minute.'
      );
  }
}
