import type { Tone } from './call-words';
import type { PhoneRecord } from './ring-record';
import type { DeviceEntry } from './roster';

/**
 * A phone's health mark (issue 25 item 2): the one set of rules the roster, the Health screen, its
 * CSV export and the server's alerts all use. Each state says what is wrong in a word or two and
 * what fixes it in a sentence. The states, worst first (a phone shows the first that holds):
 *
 * - tokenInvalid: APNs refused the phone's VoIP token, or another pairing took it. Nothing can ring it.
 * - notRinging: APNs accepted the push for each of its last NOT_RINGING_STREAK calls and it rang for
 *   none of them (a push "accepted" is not a push delivered).
 * - noToken: the app never registered for VoIP pushes.
 * - pushesOff: this server has no APNs credentials, so only a phone with its app open can ring.
 * - microphoneOff: the phone rings, but the person answers into silence.
 * - offline: the app has not connected for OFFLINE_AFTER_MS or more ("Offline for N days").
 * - slow: over the last 7 days, 95 % of its rings came within SLOW_P95_MS or more (at least
 *   SLOW_MIN_RINGS rings, so one late ring does not brand a phone slow).
 * - untested: nothing rang it in the last 7 days (nothing tried, or fewer than NOT_RINGING_STREAK
 *   calls did and it rang for none): nothing says it rings.
 * - good: it rings.
 */
export const HEALTH_STATES = [
  'tokenInvalid',
  'notRinging',
  'noToken',
  'pushesOff',
  'microphoneOff',
  'offline',
  'slow',
  'untested',
  'good',
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Changes into these are worth interrupting an admin for (item 4): the phone will miss calls. */
export const ALERT_STATES: readonly HealthState[] = ['tokenInvalid', 'notRinging'];

export const NOT_RINGING_STREAK = 3;
export const SLOW_P95_MS = 3_000;
export const SLOW_MIN_RINGS = 3;
export const DAY_MS = 86_400_000;
export const OFFLINE_AFTER_MS = 3 * DAY_MS;

/** What the rules read of a phone: its roster entry's facts (the record is separate). */
export type HealthFacts = Pick<DeviceEntry, 'token' | 'microphone' | 'presence' | 'lastSeenAt' | 'pairedAt'>;

export interface PhoneHealth {
  state: HealthState;
  /** The mark: "Good", "Not ringing", "Offline for 4 days". */
  label: string;
  /** What is wrong and what to do about it, in a sentence. */
  fix: string;
  tone: Tone;
}

/** The phone's mark, by the first rule that holds (see HEALTH_STATES). */
export function phoneHealth(
  facts: HealthFacts,
  record: PhoneRecord | null,
  now: number,
  apnsConfigured = true,
): PhoneHealth {
  const t = facts.token;
  const connected = facts.presence === 'online' || facts.presence === 'busy';
  if (apnsConfigured && t.present && t.invalidAt !== null) {
    return mark('tokenInvalid', 'Token invalid', invalidTokenFix(t.invalidReason, t.environment), 'bad');
  }
  if (apnsConfigured && !t.present && t.movedTo) {
    return mark(
      'tokenInvalid',
      'Token moved',
      `Token moved to ${t.movedTo.name}: this phone was paired again; unpair this old entry`,
      'bad',
    );
  }
  const streak = record?.notRungStreak ?? 0;
  if (streak >= NOT_RINGING_STREAK) {
    return mark(
      'notRinging',
      'Not ringing',
      `Pushes are accepted but the phone has not rung for its last ${streak} calls: check Focus / Do Not Disturb and that the app is not force-quit`,
      'bad',
    );
  }
  if (apnsConfigured && !t.present) {
    return mark(
      'noToken',
      'No push token',
      'No push token yet: open the app on the phone once so it registers for calls',
      'warn',
    );
  }
  if (!apnsConfigured && !connected) {
    return mark(
      'pushesOff',
      'Pushes off',
      'VoIP pushes are off on this server: it rings only while its app is open and connected',
      'warn',
    );
  }
  if (facts.microphone === 'denied') {
    return mark(
      'microphoneOff',
      'Microphone off',
      'Microphone off: calls will be silent. On the phone: Settings › Switchboard › Microphone',
      'bad',
    );
  }
  const seen = facts.lastSeenAt ?? facts.pairedAt;
  if (!connected && now - seen >= OFFLINE_AFTER_MS) {
    const days = Math.floor((now - seen) / DAY_MS);
    return mark(
      'offline',
      `Offline for ${days} days`,
      `The app has not connected for ${days} days: check the phone is on, has a network, and open the app once`,
      'warn',
    );
  }
  const week = record?.week;
  if (week && week.p95Ms !== null && week.rang >= SLOW_MIN_RINGS && week.p95Ms >= SLOW_P95_MS) {
    return mark(
      'slow',
      'Slow',
      `It takes up to ${seconds(week.p95Ms)} to ring (95 % of its rings this week): a weak network or Low Power Mode; a ring test shows whether it is better`,
      'warn',
    );
  }
  if (!week || week.rang + week.notRung === 0) {
    return mark(
      'untested',
      'No rings yet',
      'Nothing has rung it in the last 7 days: send a ring test to check it rings',
      'neutral',
    );
  }
  // Tried but never rang, fewer times than make it Not ringing: nothing says it rings.
  if (week.rang === 0) {
    const calls = `${week.notRung} call${week.notRung === 1 ? '' : 's'}`;
    return mark(
      'untested',
      'No rings yet',
      `It has not rung for its ${calls} this week: send a ring test to check it rings`,
      'warn',
    );
  }
  const p95 = week.p95Ms !== null ? `, 95 % within ${seconds(week.p95Ms)}` : '';
  return mark(
    'good',
    'Good',
    `Rang for ${week.rang} of ${week.rang + week.notRung} calls this week${p95}`,
    'ok',
  );
}

/** Worst first: how the Health screen sorts. */
export const healthRank = (state: HealthState): number => HEALTH_STATES.indexOf(state);

export const isAlertState = (state: HealthState): boolean => ALERT_STATES.includes(state);

/** What to do about a token APNs refused, by APNs' reason and the token's environment. */
export function invalidTokenFix(reason: string | null, env: string | null): string {
  // The server stores APNs' status with its reason ("410 Unregistered"): the reason decides.
  switch (reason?.split(' ').at(-1)) {
    case 'Unregistered':
    case 'ExpiredToken':
      return 'App deleted or token rotated: open the app on the phone';
    case 'BadDeviceToken':
      return env === 'sandbox'
        ? 'Token is for the sandbox environment: install a release build, or run the server with --apns-env sandbox'
        : env === 'production'
          ? 'Token is for the production environment: the server pushes to the sandbox; check --apns-env'
          : 'APNs does not recognise this token: open the app on the phone';
    case 'DeviceTokenNotForTopic':
      return 'Token belongs to another app: check the server’s --apns-bundle-id against the app';
    default:
      return `APNs rejected the token${reason ? ` (${reason})` : ''}: open the app on the phone`;
  }
}

/** "0.8 s", "3.0 s", "12 s". */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

const mark = (state: HealthState, label: string, fix: string, tone: Tone): PhoneHealth => ({
  state,
  label,
  fix,
  tone,
});
