import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AgentClientEvents,
  type Call,
  liveTransfer,
  type RequestAck,
  type RequestPayload,
  transfersOf,
} from '#shared';
import { LONGEST_HANGUP_MS } from './fleet';
import type { Random } from './random';

/** What a scripted agent lends its transfers: its requests, its view of calls, its waits. */
export interface TransferDeps {
  agentId: string;
  random: Random;
  req<E extends keyof AgentClientEvents & string>(
    event: E,
    payload: RequestPayload<AgentClientEvents, E>,
  ): Promise<RequestAck<AgentClientEvents, E>>;
  call(callId: string): Call | undefined;
  learn(call: Call): void;
  /** Resolves true once `ready()` holds, false after `ms`. */
  until(ready: () => boolean, ms: number): Promise<boolean>;
  refused(code: string): void;
  /** Makes this call the agent's one task, or false when they are busy with another. */
  claim(callId: string): boolean;
  release(callId: string): void;
  /** Talks a moment on a call that is the agent's now, then hangs up. */
  talk(callId: string): Promise<void>;
  /** Another agent is Available, as the availability broadcasts last said. */
  othersAvailable(): boolean;
  goals: TransferGoals;
}

type Kind = 'blind' | 'warm';

/**
 * Shared by every scripted agent: the kinds of transfer none of which has handed a call over yet
 * in this run. Until one has, first agents hand on every answered call they can with that kind
 * and see it through, and chosen agents take it: so each run has its completed blind and warm
 * transfer (soak.test), however few calls load lets through, and then goes on at random.
 */
export class TransferGoals {
  private readonly missing = new Set<Kind>(['blind', 'warm']);

  /** The kind still to complete, if any. */
  wanted(): Kind | null {
    return this.missing.values().next().value ?? null;
  }

  unmet(kind: Kind): boolean {
    return this.missing.has(kind);
  }

  completed(kind: Kind): void {
    this.missing.delete(kind);
  }
}

/**
 * Share of answered calls an agent hands to another before talking to the end, once each kind
 * has handed a call over (TransferGoals): a 200-call soak then makes a dozen or more.
 */
const TRANSFER_SHARE = 0.4;
/**
 * Share of transfers the first agent starts at once, before the caller had their say: half the
 * callers hang up within LONGEST_HANGUP_MS, which then ends those mid-transfer. The others talk
 * past that first, so most transfers can run their course (a blind one handing the call over).
 */
const AT_ONCE_SHARE = 0.2;
/** How long the first agent looks for someone Available when no one is ("bear with me"). */
const LOOK_FOR_TARGET_MS = 2_000;
/** Longer than the soak's ring time: a transfer nobody answers ends by then. */
const TRANSFER_WAIT_MS = 10_000;

const ended = (call: Call | undefined) => call?.state === 'ended';

/**
 * The soak's transfers (issue 24 item 2): an agent hands some answered calls to another, blind or
 * after a consultation that it then completes or takes back (or cancels while it rings); the
 * chosen agent accepts, declines, or lets it ring out, and leaves some consultations. Through the
 * server's kill -9 like everything else; the invariants then find no transfer left open.
 */
export class SoakTransfers {
  readonly started = new Map<Kind, number>([
    ['blind', 0],
    ['warm', 0],
  ]);
  private readonly seen = new Set<string>();

  constructor(private readonly o: TransferDeps) {}

  /**
   * The first agent's part, on an answered call of theirs: true when the call is another agent's
   * now (the caller talks to them), false when it stays (or never left).
   */
  async maybeHandOn(callId: string): Promise<boolean> {
    const { random, req, goals } = this.o;
    const wanted = goals.wanted();
    if (wanted === null && random.next() >= TRANSFER_SHARE) return false;
    if (random.next() >= AT_ONCE_SHARE) {
      await this.o.until(() => ended(this.o.call(callId)), LONGEST_HANGUP_MS + random.int(50, 300));
    }
    // Busy agents are hardly ever free at the very moment: wait for someone to become Available.
    await this.o.until(() => this.o.othersAvailable() || ended(this.o.call(callId)), LOOK_FOR_TARGET_MS);
    if (ended(this.o.call(callId))) return false;
    const targets = await req('transfer:targets', { callId });
    if (!targets.ok || targets.data.agents.length === 0) return false;
    const kind = wanted ?? (random.next() < 0.5 ? 'blind' : 'warm');
    const to = random.pick(targets.data.agents).agentId;
    const ack = await req('transfer:start', { callId, toAgentId: to, kind });
    if (!ack.ok) {
      this.o.refused(`transfer:start:${ack.error.code}`);
      return false;
    }
    this.o.learn(ack.data);
    this.started.set(kind, (this.started.get(kind) ?? 0) + 1);
    const transfer = () => {
      const call = this.o.call(callId);
      return call && !ended(call) ? liveTransfer(call) : null;
    };
    // While it rings the first agent may change their mind.
    if (wanted === null && random.next() < 0.1) {
      await sleep(random.int(0, 300));
      await this.act('transfer:cancel', callId);
    }
    await this.o.until(() => transfer()?.state !== 'ringing', TRANSFER_WAIT_MS);
    if (transfer()?.state === 'consulting') {
      await this.o.until(() => transfer()?.state !== 'consulting', random.int(20, 300));
      if (transfer()?.state === 'consulting') {
        const complete = wanted !== null || random.next() < 0.75;
        await this.act(complete ? 'transfer:complete' : 'transfer:cancel', callId);
      }
    }
    const now = this.o.call(callId);
    if (now && transfersOf(now).at(-1)?.state === 'completed') goals.completed(kind);
    return now !== undefined && !ended(now) && now.agentId !== this.o.agentId;
  }

  /** A transfer rings this agent (looked at once per transfer): take it on, or not. */
  offered(call: Call): void {
    const transfer = liveTransfer(call);
    if (call.state === 'ended' || transfer?.state !== 'ringing' || transfer.toAgentId !== this.o.agentId)
      return;
    const key = `${call.id}:${transfer.startedAt}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (!this.o.claim(call.id)) return;
    void this.take(call.id, transfer.kind).finally(() => this.o.release(call.id));
  }

  /** The chosen agent's part: it returns once the call was theirs and is over, or the transfer is. */
  private async take(callId: string, kind: Kind): Promise<void> {
    const { random } = this.o;
    const eager = this.o.goals.unmet(kind);
    const roll = eager ? 0 : random.next();
    await sleep(random.int(0, 120));
    if (roll >= 0.88) return; // let it ring out
    if (roll >= 0.7) return void (await this.act('transfer:decline', callId));
    if (!(await this.act('transfer:accept', callId))) return;
    const mine = () => this.o.call(callId)?.agentId === this.o.agentId;
    if (kind === 'warm') {
      const over = () => mine() || ended(this.o.call(callId)) || liveTransfer(this.o.call(callId)!) === null;
      // Some consultations the chosen agent leaves before the first agent decides.
      if (!eager && random.next() < 0.15) await this.act('transfer:decline', callId);
      else await this.o.until(over, TRANSFER_WAIT_MS);
    }
    if (mine()) await this.o.talk(callId);
  }

  private async act(
    event: 'transfer:accept' | 'transfer:decline' | 'transfer:complete' | 'transfer:cancel',
    callId: string,
  ): Promise<boolean> {
    const ack = await this.o.req(event, { callId });
    if (!ack.ok) this.o.refused(`${event}:${ack.error.code}`);
    else this.o.learn(ack.data);
    return ack.ok;
  }
}

/** Transfers by how they ended, from the database, for the report. */
export function transferOutcomes(calls: Call[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const call of calls) {
    for (const t of transfersOf(call)) {
      const key = `${t.kind} ${t.state}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}
