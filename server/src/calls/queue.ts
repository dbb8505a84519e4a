import type { Locks } from './ports';

type Job = () => Promise<void>;

interface Lane {
  urgent: Job[];
  lazy: Job[];
  running: boolean;
}

/**
 * Runs the tasks of one key (a call, an agent, a phone) one at a time. Urgent tasks (what a party
 * asked for) go before lazy ones (bookkeeping such as recording APNs answers) that have not started
 * yet, so a phone's `reported` never waits behind the record of the push that woke it.
 */
export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();

  /** `locks` holds each task's key against other processes too (cluster mode). */
  constructor(private readonly locks: Locks = UNLOCKED) {}

  /**
   * Runs `task` in its turn for `key`. A task that runs inside another's (an accept: the agent's,
   * then the call's) passes the `inner` locks it was given as `within`, so the second key is held
   * on the first one's hold.
   */
  run<T>(
    key: string,
    task: (inner: Locks) => Promise<T>,
    priority: 'urgent' | 'lazy' = 'urgent',
    within: Locks = this.locks,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const lane = this.lane(key);
      lane[priority].push(() => within.hold(key, task).then(resolve, reject));
      void this.pump(key, lane);
    });
  }

  /** Whether any task of this key is waiting or running. */
  busy(key: string): boolean {
    return this.lanes.has(key);
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { urgent: [], lazy: [], running: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private async pump(key: string, lane: Lane): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    for (let job = next(lane); job; job = next(lane)) await job();
    lane.running = false;
    this.lanes.delete(key);
  }
}

const next = (lane: Lane): Job | undefined => lane.urgent.shift() ?? lane.lazy.shift();

/** Nothing outside this process changes the same calls (a single server, tests). */
export const UNLOCKED: Locks = { hold: (_key, task) => task(UNLOCKED) };
