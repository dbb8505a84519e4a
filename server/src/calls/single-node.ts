import type { Call, Clock } from '#shared';
import type { Logger } from '../ops/logger';
import type { CallStore, Statement } from '../storage/types';
import { KeyedTimers } from './keyed-timers';
import { type CallCore, type CallPorts, type CallTimers, type Locks, type Party, partyKey } from './ports';
import { UNLOCKED } from './queue';
import { lostCancels } from './recovery';

/**
 * A single server: no other process changes its calls, so its own queue is all the locking they
 * need (UNLOCKED), and its timers live in memory. Its cancel journal is the stored calls themselves: a
 * restarted server ends the calls its previous run left live and sends again the cancels APNs never
 * confirmed (recovery.ts), which lived in the dead process's memory.
 */
export function singleNodePorts(o: { clock: Clock; calls: CallStore; logger: Logger }): CallPorts {
  const local = new KeyedTimers(o.clock);
  let core: CallCore | null = null;
  return {
    locks: o.calls.saveWith ? writesWithTheCall(o.calls.saveWith.bind(o.calls)) : UNLOCKED,
    timers: localTimers(local, o.clock, () => core),
    cancels: { pending: async () => undefined, done: async () => undefined },
    async start(c) {
      core = c;
      // The lost cancels are those of calls the previous run ended, read before this run ends the
      // calls it left live: those send their own cancels, and found again here (ended just now,
      // their cancel not yet confirmed) they would be cancelled twice, a phantom call on an iPhone.
      const lost = await lostCancels(o.calls, o.clock.now());
      const recovered = await c.recover();
      if (recovered > 0) o.logger.warn({ recovered }, 'ended calls left unfinished by the previous run');
      for (const { call, deviceId, reason } of lost) c.resendCancel(call, deviceId, reason);
    },
    stop: () => local.close(),
    close: async () => undefined,
  };
}

/**
 * A single server's holds on PostgreSQL: nothing to lock (its own queue orders a key's tasks), but
 * what a task writes for a change of a call (`Locks.also`: the agent's availability at a call's
 * end) goes in that call's group-committed write (`persist`), in its transaction, one round trip
 * for both. Statements given and no call stored after them are written as the task ends; a task
 * that fails drops them, as a cluster node's lock rolls them back.
 */
export function writesWithTheCall(
  saveWith: (call: Call | null, before: Statement[]) => Promise<void>,
): Locks {
  return {
    async hold(_key, task) {
      const staged: Statement[] = [];
      const inner: Locks = {
        // A key taken inside (an answer's call inside the phone's) shares the outer task's writes.
        hold: (_inner, t) => t(inner),
        also: (statement) => {
          staged.push(statement);
        },
        persist: (call) => saveWith(call, staged.splice(0)),
      };
      const result = await task(inner);
      if (staged.length > 0) await saveWith(null, staged.splice(0));
      return result;
    },
  };
}

/**
 * Ring deadlines, transfers' ring times and reconnect graces as timers of this process. A grace already running keeps its
 * due time: the party left once, however many of its sockets close.
 */
export function localTimers(local: KeyedTimers, clock: Clock, core: () => CallCore | null): CallTimers {
  const ringKey = (callId: string) => `ring:${callId}`;
  const transferKey = (callId: string) => `transfer:${callId}`;
  return {
    ringStarted(call) {
      local.set(ringKey(call.id), call.ringUntil - clock.now(), () => void core()?.ringOver(call.id));
    },
    ringEnded: (callId) => local.clear(ringKey(callId)),
    transferRinging(callId, dueAt) {
      if (dueAt === null) local.clear(transferKey(callId));
      else local.set(transferKey(callId), dueAt - clock.now(), () => void core()?.transferOver(callId));
    },
    async graceStarted(party: Party, dueAt: number) {
      const key = partyKey(party);
      if (!local.has(key)) local.set(key, dueAt - clock.now(), () => void core()?.graceOver(party));
    },
    async graceEnded(party: Party) {
      local.clear(partyKey(party));
    },
  };
}
