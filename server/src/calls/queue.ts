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

  /** `outer` wraps every task, holding its key across processes too (cluster mode). */
  constructor(private readonly outer?: <T>(key: string, task: () => Promise<T>) => Promise<T>) {}

  run<T>(key: string, task: () => Promise<T>, priority: 'urgent' | 'lazy' = 'urgent'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const lane = this.lane(key);
      const job = this.outer ? () => this.outer!(key, task) : task;
      lane[priority].push(() => job().then(resolve, reject));
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
