import type { Call, Clock, TimerHandle } from '#shared';
import type { DurableTimers, Party } from './ports';

export const partyKey = (party: Party) =>
  'agentId' in party ? `agent:${party.agentId}` : `device:${party.deviceId}`;

/** Whether the call cannot go on without this party: its agent, or the phone on the other end. */
export function involves(call: Call, party: Party): boolean {
  if ('agentId' in party) return call.agentId === party.agentId;
  const phone = call.direction === 'outbound' ? call.answeredByDeviceId : (call.devices[0]?.deviceId ?? null);
  return phone === party.deviceId;
}

/**
 * The reconnect grace of a console or phone whose last socket closed mid-call: a timer on the
 * server's clock, or in cluster mode a row in PostgreSQL that any node fires (`durable`), so that
 * it outlives the node that started it. When it runs out, `over(party)` ends the party's calls.
 */
export class ReconnectGraces {
  private readonly timers = new Map<string, TimerHandle>();
  private closed = false;

  constructor(
    private readonly o: {
      clock: Clock;
      graceMs: number;
      durable?: DurableTimers;
      /** The live calls, to tell whether the party is in one. */
      liveCalls: () => Call[];
      over: (party: Party) => Promise<void>;
      /** Tracks work set off here (drain). */
      followUp: (task: Promise<unknown>) => void;
    },
  ) {}

  left(party: Party): void {
    const key = partyKey(party);
    if (this.closed || this.timers.has(key) || !this.o.liveCalls().some((c) => involves(c, party))) return;
    if (this.o.durable) {
      this.o.followUp(this.o.durable.graceStarted(party, this.o.clock.now() + this.o.graceMs));
      return;
    }
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(key);
      this.o.followUp(this.o.over(party));
    }, this.o.graceMs);
    this.timers.set(key, handle);
  }

  back(party: Party): void {
    if (this.o.durable) this.o.followUp(this.o.durable.graceEnded(party));
    const key = partyKey(party);
    const handle = this.timers.get(key);
    if (handle) this.o.clock.clearTimeout(handle);
    this.timers.delete(key);
  }

  /** The server stops: sockets closing now are not parties leaving (durable graces stay as they are). */
  close(): void {
    this.closed = true;
    for (const handle of this.timers.values()) this.o.clock.clearTimeout(handle);
    this.timers.clear();
  }
}
