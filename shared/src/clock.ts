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

export function systemClock(): Clock {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = nextId++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, ms);
      // In Node a pending ring timer must not keep the process alive; browsers return a number.
      (t as { unref?: () => void }).unref?.();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
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
