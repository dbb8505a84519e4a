/**
 * Time as a dependency. Ring timeouts, push retries and token ages all read this, so tests drive
 * them with a manual clock instead of sleeping. It lives in shared/ so the server, the tools and
 * the console all take the same clock (no Node-only types: the console runs it in a browser).
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The longest delay a JavaScript timer keeps (2^31 − 1 ms, 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

type HostTimer = ReturnType<typeof setTimeout>;

/** The host's timers, as `systemClock` uses them (tests pass their own). */
export interface HostTimers {
  set(fn: () => void, ms: number): HostTimer;
  clear(timer: HostTimer): void;
}

const hostTimers: HostTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // In Node a pending ring timer must not keep the process alive; browsers return a number.
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clear: (t) => clearTimeout(t),
};

/**
 * The real clock. A delay longer than a host timer can hold (a 30-day session, say) is waited out
 * in steps, since setTimeout would otherwise fire it after 1 ms.
 */
export function systemClock(host: HostTimers = hostTimers, now: () => number = Date.now): Clock {
  const timers = new Map<number, HostTimer>();
  let nextId = 1;
  const arm = (id: number, fn: () => void, due: number) => {
    const wait = Math.max(0, due - now());
    timers.set(
      id,
      host.set(
        () => {
          if (wait > MAX_TIMER_MS) return arm(id, fn, due);
          timers.delete(id);
          fn();
        },
        Math.min(wait, MAX_TIMER_MS),
      ),
    );
  };
  return {
    now,
    setTimeout(fn, ms) {
      const id = nextId++;
      arm(id, fn, now() + ms);
      return { id };
    },
    clearTimeout(handle) {
      const t = timers.get(handle.id);
      if (t !== undefined) host.clear(t);
      timers.delete(handle.id);
    },
  };
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** Moves time to the next pending timer and fires it; false when none is pending. */
  runNext(): boolean;
  pending(): number;
  /** Resolves once at least `count` timers are pending: how a test waits for code to arm a timer. */
  whenPending(count?: number): Promise<void>;
}

/** A clock that only moves when told to. Used by tests, benchmarks and simulations. */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; fn: () => void }>();
  const waiters: { count: number; resolve: () => void }[] = [];

  const notify = () => {
    for (const w of [...waiters]) {
      if (timers.size >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const earliest = () => {
    let best: [number, { due: number; fn: () => void }] | undefined;
    for (const entry of timers) {
      if (!best || entry[1].due < best[1].due) best = entry;
    }
    return best;
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms), fn });
      notify();
      return { id };
    },
    clearTimeout(handle) {
      timers.delete(handle.id);
    },
    advance(ms) {
      const target = now + ms;
      for (let next = earliest(); next && next[1].due <= target; next = earliest()) {
        timers.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].fn();
      }
      now = target;
    },
    runNext() {
      const next = earliest();
      if (!next) return false;
      timers.delete(next[0]);
      now = Math.max(now, next[1].due);
      next[1].fn();
      return true;
    },
    pending: () => timers.size,
    whenPending(count = 1) {
      if (timers.size >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}
