import type { ApnsEmulator, Fault } from '../../apns-emulator/src';
import type { Random } from './random';

type QueuedFault = Exclude<Fault, { type: 'unregister' }>;

export const FAULT_KINDS = ['throttle', 'status', 'goaway', 'drop', 'delay'] as const;

/** One fault for the next push or few, as APNs misbehaves: throttling, errors, GOAWAY, a cut, a stall. */
function drawFault(random: Random): QueuedFault {
  const count = random.int(1, 3);
  const roll = random.next();
  if (roll < 0.25) return { type: 'throttle', count };
  if (roll < 0.45) return { type: 'status', status: random.chance(0.5) ? 500 : 503, count };
  if (roll < 0.6) return { type: 'goaway', count: 1 };
  if (roll < 0.7) return { type: 'drop', count: 1 };
  return { type: 'delay', ms: random.int(20, 600), count };
}

/**
 * Scripts faults into the APNs emulator at random moments (every `everyMs` on average), for any
 * token: the server's gateway must retry, reconnect and still get every ring and cancel through.
 */
export class ApnsFaults {
  readonly injected = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emulator: ApnsEmulator,
    private readonly random: Random,
    private readonly everyMs: number,
    /** The kinds of fault to inject (all by default): a replay can leave some out. */
    private readonly kinds: ReadonlySet<QueuedFault['type']> = new Set(FAULT_KINDS),
  ) {
    if (kinds.size === 0) throw new Error('no kind of APNs fault left to inject');
  }

  start(): void {
    const next = () => {
      this.timer = setTimeout(
        () => {
          let fault = drawFault(this.random);
          while (!this.kinds.has(fault.type)) fault = drawFault(this.random);
          this.emulator.fault('*', fault);
          const name = fault.type === 'status' ? `status ${fault.status}` : fault.type;
          this.injected.set(
            name,
            (this.injected.get(name) ?? 0) + (fault.count === 'forever' ? 1 : (fault.count ?? 1)),
          );
          next();
        },
        this.random.int(0, 2 * this.everyMs),
      );
    };
    next();
  }

  /** Stops injecting and clears what is still queued: the wind-down runs on a healthy APNs. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emulator.clearFaults();
  }

  total(): number {
    let n = 0;
    for (const v of this.injected.values()) n += v;
    return n;
  }
}
