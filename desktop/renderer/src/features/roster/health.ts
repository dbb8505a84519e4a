import { type DeviceEntry, invalidTokenFix, type Presence } from '#shared';
import { formatAge } from '../../lib/time';

export type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'neutral';

/** Presence in words: the reason a phone can or cannot be rung right now. */
export function presenceLabel(p: Presence): { text: string; tone: Tone; hint: string } {
  switch (p) {
    case 'online':
      return { text: 'Online', tone: 'ok', hint: 'the app is connected: it rings at once' };
    case 'reachable':
      return { text: 'Reachable', tone: 'info', hint: 'not connected, but a VoIP push wakes it' };
    case 'unreachable':
      return { text: 'Unreachable', tone: 'bad', hint: 'not connected and no valid push token' };
    case 'busy':
      return { text: 'In a call', tone: 'warn', hint: 'already in a call' };
  }
}

/**
 * The push token's health with the fix, as the issue words it: what an agent (or the staff member
 * holding the phone) can do about a phone that will not ring.
 */
export function pushHealth(d: DeviceEntry, now: number, apnsConfigured = true): { text: string; tone: Tone } {
  const t = d.token;
  if (!apnsConfigured && d.presence !== 'online' && d.presence !== 'busy') {
    return {
      text: 'VoIP pushes are off on this server: it rings only while its app is open and connected',
      tone: 'warn',
    };
  }
  if (!t.present && t.movedTo) {
    return {
      text: `Token moved to ${t.movedTo.name}: this phone was paired again; unpair this old entry`,
      tone: 'warn',
    };
  }
  if (!t.present) {
    return {
      text: 'No push token yet: open the app on the phone once so it registers for calls',
      tone: 'warn',
    };
  }
  if (t.invalidAt !== null) {
    return { text: invalidTokenFix(t.invalidReason, t.environment), tone: 'bad' };
  }
  const env = t.environment === 'sandbox' ? ' (sandbox)' : '';
  const age = t.updatedAt !== null ? `, updated ${formatAge(now - t.updatedAt)}` : '';
  return { text: `Push token OK${env}${age}`, tone: 'ok' };
}

/**
 * A phone that rings but cannot send voice is not healthy: the person answers into silence. Null
 * while the microphone is allowed, or before the app reports it (an older app).
 */
export function microphoneHealth(d: DeviceEntry): { text: string; fix: string; tone: Tone } | null {
  switch (d.microphone) {
    case 'denied':
      return {
        text: 'Microphone off: calls will be silent',
        fix: 'On the phone: Settings › Switchboard › Microphone',
        tone: 'bad',
      };
    case 'undetermined':
      return {
        text: 'Microphone not allowed yet',
        fix: 'Open the app on the phone and allow the microphone',
        tone: 'warn',
      };
    default:
      return null;
  }
}

export function deviceDetails(d: DeviceEntry): string {
  return [d.model, d.osVersion && `iOS ${d.osVersion}`, d.appVersion && `app ${d.appVersion}`]
    .filter(Boolean)
    .join(' · ');
}

export function lastSeen(d: DeviceEntry, now: number): string | null {
  if (d.presence === 'online' || d.presence === 'busy') return null;
  return d.lastSeenAt ? `last seen ${formatAge(now - d.lastSeenAt)}` : 'never connected';
}
