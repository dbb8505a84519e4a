import { describe, expect, it } from 'vitest';
import { type HostTimers, MAX_TIMER_MS, systemClock } from '#shared';

/** Host timers the test fires by hand, recording the delays asked for. */
function fakeHost() {
  let now = 0;
  const armed = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const host: HostTimers = {
    set: (fn, ms) => {
      const id = next++;
      armed.set(id, { fn, ms });
      return id as unknown as ReturnType<typeof setTimeout>;
    },
    clear: (t) => void armed.delete(t as unknown as number),
  };
  const fireNext = () => {
    const [id, timer] = [...armed.entries()][0]!;
    armed.delete(id);
    now += timer.ms;
    timer.fn();
  };
  return { host, armed, fireNext, now: () => now };
}

describe('systemClock', () => {
  it('waits out a delay longer than a host timer holds, in steps, and fires once at the end', () => {
    const fake = fakeHost();
    const clock = systemClock(fake.host, fake.now);
    let fired = 0;
    const thirtyDays = 30 * 24 * 3600_000;
    clock.setTimeout(() => fired++, thirtyDays);
    expect([...fake.armed.values()].map((t) => t.ms)).toEqual([MAX_TIMER_MS]);
    fake.fireNext();
    expect(fired).toBe(0);
    expect([...fake.armed.values()].map((t) => t.ms)).toEqual([thirtyDays - MAX_TIMER_MS]);
    fake.fireNext();
    expect(fired).toBe(1);
    expect(fake.armed.size).toBe(0);
  });

  it('clears a long timer at any step', () => {
    const fake = fakeHost();
    const clock = systemClock(fake.host, fake.now);
    const handle = clock.setTimeout(
      () => {
        throw new Error('should not fire');
      },
      2 * MAX_TIMER_MS + 5,
    );
    fake.fireNext();
    clock.clearTimeout(handle);
    expect(fake.armed.size).toBe(0);
  });

  it('passes a short delay to the host as it is', () => {
    const fake = fakeHost();
    systemClock(fake.host, fake.now).setTimeout(() => undefined, 45_000);
    expect([...fake.armed.values()].map((t) => t.ms)).toEqual([45_000]);
  });
});
