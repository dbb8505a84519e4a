import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  EMPTY_COUNTS,
  emptyRecord,
  HEALTH_STATES,
  type HealthFacts,
  healthRank,
  isAlertState,
  NOT_RINGING_STREAK,
  OFFLINE_AFTER_MS,
  type PhoneRecord,
  phoneHealth,
  SLOW_MIN_RINGS,
  SLOW_P95_MS,
} from '#shared';

const NOW = 1_764_000_000_000;

const facts = (over: Partial<HealthFacts> = {}): HealthFacts => ({
  token: {
    present: true,
    updatedAt: NOW - DAY_MS,
    invalidAt: null,
    invalidReason: null,
    environment: 'production',
    movedTo: null,
  },
  microphone: 'granted',
  presence: 'reachable',
  lastSeenAt: NOW - 60_000,
  pairedAt: NOW - 30 * DAY_MS,
  ...over,
});

/** A record with `rang` rings this week whose p95 is `p95Ms`, and `streak` unrung calls since. */
const record = (o: { rang?: number; notRung?: number; p95Ms?: number | null; streak?: number } = {}) => {
  const week = {
    ...EMPTY_COUNTS,
    rang: o.rang ?? 5,
    notRung: o.notRung ?? 0,
    p50Ms: o.p95Ms === undefined ? 600 : o.p95Ms,
    p95Ms: o.p95Ms === undefined ? 900 : o.p95Ms,
  };
  return { ...emptyRecord('dev'), week, day: week, notRungStreak: o.streak ?? 0 } satisfies PhoneRecord;
};

const stateOf = (f: HealthFacts, r: PhoneRecord | null, apns = true) => phoneHealth(f, r, NOW, apns).state;

describe('phone health rules, at each boundary', () => {
  it('good: it rang this week, quickly, and nothing else is wrong', () => {
    const h = phoneHealth(facts(), record(), NOW);
    expect(h).toMatchObject({ state: 'good', label: 'Good', tone: 'ok' });
    expect(h.fix).toBe('Rang for 5 of 5 calls this week, 95 % within 0.9 s');
  });

  it(`not ringing: from ${NOT_RINGING_STREAK} accepted-but-unrung calls in a row, not before`, () => {
    expect(stateOf(facts(), record({ streak: NOT_RINGING_STREAK - 1, notRung: 2 }))).toBe('good');
    const h = phoneHealth(facts(), record({ streak: NOT_RINGING_STREAK, notRung: 3 }), NOW);
    expect(h).toMatchObject({ state: 'notRinging', label: 'Not ringing', tone: 'bad' });
    expect(h.fix).toBe(
      'Pushes are accepted but the phone has not rung for its last 3 calls: check Focus / Do Not Disturb and that the app is not force-quit',
    );
  });

  it(`slow: p95 from ${SLOW_P95_MS} ms with at least ${SLOW_MIN_RINGS} rings`, () => {
    expect(stateOf(facts(), record({ p95Ms: SLOW_P95_MS - 1 }))).toBe('good');
    const slow = phoneHealth(facts(), record({ p95Ms: SLOW_P95_MS }), NOW);
    expect(slow).toMatchObject({ state: 'slow', label: 'Slow', tone: 'warn' });
    expect(slow.fix).toMatch(/^It takes up to 3\.0 s to ring/);
    // Too few rings to judge by: one late ring does not make a phone slow.
    expect(stateOf(facts(), record({ rang: SLOW_MIN_RINGS - 1, p95Ms: 20_000 }))).toBe('good');
    expect(stateOf(facts(), record({ rang: SLOW_MIN_RINGS, p95Ms: 20_000 }))).toBe('slow');
  });

  it('offline for N days: from 3 days without a connection, counted in whole days', () => {
    const at = (ms: number) => facts({ lastSeenAt: NOW - ms });
    expect(stateOf(at(OFFLINE_AFTER_MS - 1), record())).toBe('good');
    expect(phoneHealth(at(OFFLINE_AFTER_MS), record(), NOW)).toMatchObject({
      state: 'offline',
      label: 'Offline for 3 days',
    });
    expect(phoneHealth(at(OFFLINE_AFTER_MS + 1.9 * DAY_MS), record(), NOW).label).toBe('Offline for 4 days');
    // Never seen: counted from its pairing. Connected now: not offline, whatever the last sighting.
    const neverSeen = facts({ lastSeenAt: null, pairedAt: NOW - OFFLINE_AFTER_MS });
    expect(stateOf(neverSeen, record())).toBe('offline');
    expect(stateOf(facts({ presence: 'online', lastSeenAt: NOW - 9 * DAY_MS }), record())).toBe('good');
  });

  it('microphone off: only when denied, not while undetermined or unreported', () => {
    expect(stateOf(facts({ microphone: 'denied' }), record())).toBe('microphoneOff');
    expect(stateOf(facts({ microphone: 'undetermined' }), record())).toBe('good');
    expect(stateOf(facts({ microphone: null }), record())).toBe('good');
  });

  it('token invalid: by what APNs said, and a token another pairing took', () => {
    const refused = facts({
      token: { ...facts().token, invalidAt: NOW - 1, invalidReason: 'Unregistered' },
    });
    expect(phoneHealth(refused, record(), NOW)).toMatchObject({
      state: 'tokenInvalid',
      label: 'Token invalid',
      fix: 'App deleted or token rotated: open the app on the phone',
    });
    const moved = facts({
      token: { ...facts().token, present: false, movedTo: { deviceId: 'd2', name: 'New iPhone' } },
    });
    expect(phoneHealth(moved, null, NOW)).toMatchObject({ state: 'tokenInvalid', label: 'Token moved' });
    expect(stateOf(facts({ token: { ...facts().token, present: false } }), null)).toBe('noToken');
  });

  it('untested: nothing rang it this week, whether or not anything tried', () => {
    expect(phoneHealth(facts(), null, NOW)).toMatchObject({ state: 'untested', label: 'No rings yet' });
    expect(stateOf(facts(), record({ rang: 0, notRung: 0, p95Ms: null }))).toBe('untested');
    // Tried, never rang, not yet Not ringing: no rings yet, with what it missed (it is not Good).
    const missed = phoneHealth(facts(), record({ rang: 0, notRung: 1, p95Ms: null, streak: 1 }), NOW);
    expect(missed).toMatchObject({ state: 'untested', label: 'No rings yet', tone: 'warn' });
    expect(missed.fix).toBe('It has not rung for its 1 call this week: send a ring test to check it rings');
    expect(stateOf(facts(), record({ rang: 1, notRung: 2, p95Ms: 900, streak: 2 }))).toBe('good');
  });

  it('pushes off: without APNs only a connected phone can ring, and token rules do not apply', () => {
    const dead = facts({ token: { ...facts().token, invalidAt: NOW, invalidReason: 'BadDeviceToken' } });
    expect(stateOf(dead, record(), false)).toBe('pushesOff');
    expect(stateOf(facts({ presence: 'online' }), record(), false)).toBe('good');
  });

  it('the worst state wins, and marks sort worst first', () => {
    const everything = facts({
      token: { ...facts().token, invalidAt: NOW, invalidReason: 'Unregistered' },
      microphone: 'denied',
      lastSeenAt: NOW - 10 * DAY_MS,
    });
    expect(stateOf(everything, record({ streak: 5, p95Ms: 9_000 }))).toBe('tokenInvalid');
    expect(stateOf(facts({ microphone: 'denied' }), record({ streak: 3 }))).toBe('notRinging');
    const sorted = [...HEALTH_STATES].reverse().sort((a, b) => healthRank(a) - healthRank(b));
    expect(sorted).toEqual([...HEALTH_STATES]);
    expect(HEALTH_STATES.filter(isAlertState)).toEqual(['tokenInvalid', 'notRinging']);
  });
});
