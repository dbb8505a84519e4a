import {
  type AgentRequest,
  type Call,
  type Clock,
  ERROR_CODES,
  liveTransfer,
  type TransferAction,
  type TransferTarget,
} from '#shared';
import { agentKey } from '../calls/agent-calls';
import type { CallLifecycle } from '../calls/lifecycle';
import type { LiveCalls } from '../calls/live';
import type { Locks, Presence } from '../calls/ports';
import { AppError, forbidden } from '../errors';
import type { Storage } from '../storage/types';
import { mayBeOffered, offerable, type TargetView } from './targets';

export interface TransferCallsOptions {
  storage: Storage;
  clock: Clock;
  presence: Presence;
  live: LiveCalls;
  /** How long the chosen agent's console rings: the calls' own ring time. */
  ringTimeoutMs: number;
  /** The agents online and Available now (all of them online, without availability). */
  availableAgentIds?: () => Promise<string[]>;
  /** After every transfer step of a call that goes on: whoever has it now must be there. */
  onReturned(call: Call): void;
}

type Who = 'from' | 'to';

/**
 * Transfers as the consoles ask for them and as the server ends them: each one a `transfer` step
 * of the call's state machine, applied in the call's queue once the asker is found to be the
 * first agent (start, complete, cancel) or the chosen one (accept, decline).
 */
export class TransferCalls {
  private readonly view: TargetView;
  /** Who was Available when last asked: read (from the database) just before each decision. */
  private available: Set<string> | null = null;

  constructor(
    private readonly life: CallLifecycle,
    private readonly o: TransferCallsOptions,
  ) {
    this.view = {
      onlineAgentIds: () => o.presence.onlineAgentIds(),
      liveCalls: () => o.live.list(),
      available: (agentId) => this.available?.has(agentId) ?? true,
    };
  }

  /** Availability is stored (every node reads the same); the rule that uses it is synchronous. */
  private async readAvailability(): Promise<void> {
    if (this.o.availableAgentIds) this.available = new Set(await this.o.availableAgentIds());
  }

  async targets(agentId: string, callId: string): Promise<TransferTarget[]> {
    const call = this.o.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
    await this.readAvailability();
    const out: TransferTarget[] = [];
    for (const id of offerable(agentId, this.view)) {
      const agent = await this.o.storage.agents.findById(id);
      if (agent && agent.disabledAt === null) out.push({ agentId: id, name: agent.name });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async start(agentId: string, req: AgentRequest<'transfer:start'>): Promise<Call> {
    const [from, to] = await Promise.all([
      this.o.storage.agents.findById(agentId),
      this.o.storage.agents.findById(req.toAgentId),
    ]);
    if (!to || to.disabledAt !== null) throw new AppError(ERROR_CODES.NOT_FOUND, 'no such agent');
    await this.readAvailability();
    const action: TransferAction = {
      type: 'start',
      kind: req.kind,
      toAgentId: to.id,
      fromName: from?.name ?? 'An agent',
      toName: to.name,
      ringUntil: this.o.clock.now() + this.o.ringTimeoutMs,
    };
    // Held under the chosen agent's key: two transfers to one agent at once, one of them is refused.
    // The call's key is taken on that hold (`inner`), never as a second connection of the pool.
    return this.life.queue.run(agentKey(to.id), (inner) =>
      this.apply(
        agentId,
        req.callId,
        'from',
        action,
        () => {
          if (!mayBeOffered(to.id, agentId, this.view)) {
            throw new AppError(
              ERROR_CODES.CONFLICT,
              `${to.name} cannot take a call now; choose someone available`,
            );
          }
        },
        inner,
      ),
    );
  }

  /**
   * The chosen agent takes the call (blind) or the consultation (warm). Their accepts and
   * placements run one at a time, as an inbound call's accept does, so they never end up in two.
   */
  accept(agentId: string, callId: string): Promise<Call> {
    return this.life.queue.run(agentKey(agentId), async (inner) => {
      // Asked under the agent's lock, from the authority on calls (in a cluster, the database).
      const busy = await this.o.live.agentBusyNow(agentId);
      const check = () => {
        if (busy) throw new AppError(ERROR_CODES.BUSY, 'you are already in a call; hang it up first');
      };
      return this.apply(agentId, callId, 'to', { type: 'accept' }, check, inner);
    });
  }

  decline(agentId: string, callId: string): Promise<Call> {
    return this.apply(agentId, callId, 'to', { type: 'decline' });
  }

  complete(agentId: string, callId: string): Promise<Call> {
    return this.apply(agentId, callId, 'from', { type: 'complete' });
  }

  cancel(agentId: string, callId: string): Promise<Call> {
    return this.apply(agentId, callId, 'from', { type: 'cancel' });
  }

  // MARK: - What the server decides

  /** The ring time passed: the transfer ends unanswered (a later one's deadline is its own). */
  timeout(callId: string): Promise<void> {
    return this.settle(callId, { type: 'timeout' });
  }

  /**
   * The chosen agent can no longer take the call (they went away, their console left for good):
   * every transfer ringing or consulting them ends, and the call stays with the first agent.
   */
  async targetGone(agentId: string, detail: string): Promise<void> {
    for (const call of this.o.live.list()) {
      if (liveTransfer(call)?.toAgentId !== agentId) continue;
      await this.settle(call.id, { type: 'cancel', detail });
    }
  }

  /**
   * The first agent's console left for good. A consultation completes (the chosen agent knows the
   * call and is on the line): the call is theirs. Returns the calls that could not be handed on.
   */
  async transferrerGone(agentId: string, detail: string): Promise<Call[]> {
    const left: Call[] = [];
    for (const call of this.o.live.list().filter((c) => c.agentId === agentId)) {
      if (liveTransfer(call)?.state === 'consulting') {
        await this.settle(call.id, { type: 'complete', detail });
      } else left.push(call);
    }
    return left;
  }

  /** A server step that may find the call or the transfer moved on: then nothing is left to do. */
  private async settle(callId: string, action: TransferAction): Promise<void> {
    const call = await this.life.apply(callId, { type: 'transfer', action }, 'server').catch((e) => {
      if (e instanceof AppError) return null;
      throw e;
    });
    if (call && call.state !== 'ended') this.o.onReturned(call);
  }

  private async apply(
    agentId: string,
    callId: string,
    who: Who,
    action: TransferAction,
    check?: () => void,
    /** The locks of the agent's task this one runs inside (queue.ts), as its last step. */
    within?: Locks,
  ): Promise<Call> {
    const authorize = (call: Call) => {
      const live = liveTransfer(call);
      if (call.state === 'ended')
        throw new AppError(ERROR_CODES.CALL_ENDED, `call ended (${call.endReason})`);
      if (who === 'to' && live?.toAgentId !== agentId) {
        // The chosen agent's accept that came after it ended (cancelled, timed out) says so.
        if (call.transfers?.some((t) => t.toAgentId === agentId)) {
          throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'this transfer is over');
        }
        throw forbidden('this call is not being transferred to you');
      }
      if (who === 'from' && call.agentId !== agentId) throw forbidden('this call belongs to another agent');
      check?.();
      return undefined;
    };
    const call = await this.life.apply(callId, { type: 'transfer', action }, 'agent', { authorize }, within);
    if (call.state !== 'ended') this.o.onReturned(call);
    return call;
  }
}
