import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, PhoneRecord } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { HEALTH_FLUSH_EVERY_MS } from '../src/ring-health/health';

type Records = { phones: PhoneRecord[] };

/**
 * What recording ring health sends consoles when calls end quickly one after another (issue 25's
 * 5 % budget): one `health:changed` a second at most, carrying every phone that changed meanwhile.
 */
describe.each(ENGINES)('ring records told to consoles, on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends records changed within a second together, once the second is over', async () => {
    const boss = await h.agent('boss');
    const people = await Promise.all(['Ana', 'Bea', 'Cy'].map((name) => h.staff(boss, name)));
    const phones: Awaited<ReturnType<Harness['phone']>>[] = [];
    for (const s of people) phones.push(await h.phone(boss, s.id));
    const ring = async (staffId: string, phone: (typeof phones)[number]) => {
      const call = await boss.ok<Call>('call:place', { staffId });
      await h.idle();
      await phone.report(call.id, 'reported');
      await boss.ok('call:hangup', { callId: call.id });
      await boss.waitFor<{ call: Call }>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.state === 'ended',
      );
    };
    const sent = () => boss.eventsNamed<Records>('health:changed');

    // At rest, a call's record goes out at once.
    await ring(people[0]!.id, phones[0]!);
    await boss.waitFor<Records>('health:changed', (p) =>
      p.phones.some((r) => r.deviceId === phones[0]!.deviceId),
    );
    expect(sent()).toHaveLength(1);

    // Three more calls end within the same second: nothing more is sent until it is over…
    for (const [i, s] of people.entries()) await ring(s.id, phones[i]!);
    await h.idle();
    await boss.ok('health:records', {}); // what was sent before this answer has arrived
    expect(sent()).toHaveLength(1);

    // …then one message with every phone, each counted.
    h.clock.advance(HEALTH_FLUSH_EVERY_MS);
    const { phones: told } = await boss.waitFor<Records>('health:changed', (p) => p.phones.length === 3);
    expect(Object.fromEntries(told.map((r) => [r.deviceId, r.week.rang]))).toEqual({
      [phones[0]!.deviceId]: 2,
      [phones[1]!.deviceId]: 1,
      [phones[2]!.deviceId]: 1,
    });
    await h.idle();
    await boss.ok('health:records', {});
    expect(sent()).toHaveLength(2);
  });
});
