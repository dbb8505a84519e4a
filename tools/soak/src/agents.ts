import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import {
  type Ack,
  type AgentAvailability,
  type AgentClientEvents,
  agentAuth,
  type Call,
  ERROR_CODES,
  type RequestAck,
  type RequestPayload,
  request,
} from '#shared';
import type { AgentSocket } from '../../virtual-companion/src/agent-socket';
import { SoakCallbacks } from './callbacks';
import type { Random } from './random';
import { SoakTransfers, type TransferGoals } from './transfers';

/** How many calls may still be started, shared by every agent and every calling phone. */
export interface Budget {
  remaining(): number;
  /** A call the server acknowledged: one fewer to start. */
  started(callId: string): void;
}

const ended = (call: Call | undefined) => call?.state === 'ended';
const answeredOrEnded = (call: Call | undefined) =>
  call !== undefined && (call.state === 'connecting' || call.state === 'active' || call.state === 'ended');

/** Sends after this long without an answer become UNAVAILABLE (and are retried where it matters). */
const ACK_TIMEOUT_MS = 3_000;
/** An agent stops trying to end a call after this many rounds of hang-up and sync (about a minute). */
const MAX_END_ROUNDS = 30;
/** Share of answered calls after which the agent ends after-call work early. */
const WRAP_UP_SHARE = 0.95;
/** Share of idle moments that are a longer rest, Available. */
const REST_SHARE = 0.3;

/**
 * A console driven by a script: places calls to random staff members, hangs up while they ring or
 * after talking a moment, takes or declines calls from phones (racing the other agents), and keeps
 * at it through the server's crashes (its socket reconnects; `call:sync` says how its calls ended).
 */
export class ScriptedAgent {
  /** Calls the server acknowledged to this agent as its own (placed, or taken). */
  readonly acked = new Set<string>();
  readonly refusals = new Map<string, number>();
  gaveUp = 0;
  readonly transfers: SoakTransfers;
  readonly callbacks: SoakCallbacks;
  private readonly known = new Map<string, Call>();
  /** Who is Available, as the server's availability broadcasts say. */
  private readonly availableAgents = new Set<string>();
  private readonly ending = new Set<string>();
  private readonly socket: AgentSocket;
  private current: string | null = null;
  private wakers: (() => void)[] = [];
  private everConnected = false;
  /** An answered call ended (or was handed on): after-call work to wrap up before the next. */
  private wrapUpDue = false;

  constructor(
    readonly agentId: string,
    token: string,
    url: string,
    private readonly random: Random,
    private readonly budget: Budget,
    private readonly staffIds: string[],
    goals: TransferGoals,
  ) {
    this.socket = io(`${url}/agent`, {
      auth: agentAuth(token),
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
    }) as AgentSocket;
    this.transfers = new SoakTransfers({
      agentId,
      random,
      req: (event, payload) => this.req(event, payload),
      call: (id) => this.known.get(id),
      learn: (call) => this.learn(call),
      until: (ready, ms) => this.until(ready, ms),
      refused: (code) => this.refused(code),
      claim: (id) => {
        if (this.current !== null) return false;
        this.current = id;
        return true;
      },
      release: (id) => {
        if (this.current === id) this.current = null;
      },
      talk: (id) => this.converse(id, 0, false),
      goals,
      othersAvailable: () => [...this.availableAgents].some((id) => id !== agentId),
    });
    const available = ({ agents }: { agents: AgentAvailability[] }) => {
      for (const a of agents) {
        if (a.state === 'available' && a.online) this.availableAgents.add(a.agentId);
        else this.availableAgents.delete(a.agentId);
      }
      this.wake();
    };
    this.socket.on('availability:snapshot', (snapshot) => {
      this.availableAgents.clear();
      available(snapshot);
    });
    this.socket.on('availability:changed', available);
    this.callbacks = new SoakCallbacks({
      agentId,
      random,
      req: (event, payload) => this.req(event, payload),
      refused: (code) => this.refused(code),
      placed: async (call) => {
        this.acked.add(call.id);
        this.budget.started(call.id);
        this.learn(call);
        this.current = call.id;
        await this.converse(call.id, this.random.int(100, 2_500), false);
      },
    });
    this.socket.on('call:changed', ({ call }) => {
      this.learn(call);
      this.transfers.offered(call);
    });
    this.socket.on('call:incoming', ({ call }) => {
      this.learn(call);
      void this.maybeTake(call);
    });
    this.socket.on('connect', () => {
      // After a reconnect (the server restarted): how did the calls we hold end?
      if (this.everConnected)
        void this.sync([...this.known.values()].filter((c) => !ended(c)).map((c) => c.id));
      this.everConnected = true;
      this.wake();
    });
  }

  async run(): Promise<void> {
    while (this.budget.remaining() > 0) {
      // Idle for a moment (a longer rest now and then): calls from phones may be taken meanwhile,
      // and the agent may be offered a transfer.
      await sleep(this.random.next() < REST_SHARE ? this.random.int(300, 1_500) : this.random.int(0, 150));
      if (this.current !== null) await this.until(() => this.current === null, 60_000);
      else if (this.wrapUpDue) await this.wrapUp();
      else if (!this.socket.connected) await this.until(() => this.socket.connected, 1_000);
      else await this.turn();
    }
    await this.until(() => this.current === null, 60_000);
  }

  /** Ends every call of this agent that is still live as far as it knows (the soak's wind-down). */
  async finish(): Promise<void> {
    const mine = [...this.known.values()].filter((c) => c.agentId === this.agentId && !ended(c));
    await Promise.all(mine.map((c) => this.endCall(c.id)));
  }

  close(): void {
    this.socket.close();
  }

  /** Some turns go to the callbacks queue; the rest place a call. */
  private async turn(): Promise<void> {
    this.current = 'placing';
    try {
      if (await this.callbacks.maybeWork()) return;
    } finally {
      this.current = null;
    }
    await this.placeOne();
  }

  private async placeOne(): Promise<void> {
    this.current = 'placing';
    try {
      const ack = await this.req('call:place', { staffId: this.random.pick(this.staffIds) });
      if (!ack.ok) return void this.refused(ack.error.code);
      this.acked.add(ack.data.id);
      this.budget.started(ack.data.id);
      this.learn(ack.data);
      this.current = ack.data.id;
      await this.converse(ack.data.id, this.random.int(100, 2_500));
    } finally {
      this.current = null;
    }
  }

  /**
   * Waits (patience) for an answer, talks a moment (or hands the call to another agent), then
   * hangs up; the call may end sooner.
   */
  private async converse(callId: string, patience: number, mayTransfer = true): Promise<void> {
    const call = () => this.known.get(callId);
    const answered = await this.until(() => answeredOrEnded(call()), patience);
    const handedOn = answered && mayTransfer && !ended(call()) && (await this.transfers.maybeHandOn(callId));
    if (!handedOn) {
      if (answered && !ended(call())) await this.until(() => ended(call()), this.random.int(20, 400));
      await this.endCall(callId);
    }
    if (answered) this.wrapUpDue = true;
  }

  /**
   * After an answered call the server keeps the agent in after-call work (30 s): most agents wrap
   * up quickly and choose Available, as a console's one click does; the rest wait for the server
   * to end it. Done once the call is off the agent's hands (current is null), so that once
   * Available they can take what they are offered. Without this, agents of a busy soak are hardly
   * ever Available, so phones find no one to ring and transfers find no one to offer.
   */
  private async wrapUp(): Promise<void> {
    this.wrapUpDue = false;
    if (this.random.next() >= WRAP_UP_SHARE) return;
    await sleep(this.random.int(0, 300));
    const ack = await this.req('availability:set', { state: 'available' });
    if (!ack.ok) this.refused(`availability:set:${ack.error.code}`);
  }

  /** An inbound call rings every console: take it (racing the others), decline it, or let it ring. */
  private async maybeTake(offer: Call): Promise<void> {
    if (this.current !== null || this.budget.remaining() <= 0) return;
    const roll = this.random.next();
    if (roll >= 0.7) return;
    this.current = offer.id;
    try {
      await sleep(this.random.int(0, 80));
      if (roll < 0.55) {
        const ack = await this.req('call:accept', { callId: offer.id });
        if (!ack.ok) return void this.refused(ack.error.code);
        this.acked.add(offer.id);
        this.learn(ack.data);
        await this.converse(offer.id, 0);
      } else {
        const ack = await this.req('call:decline', { callId: offer.id });
        if (!ack.ok) this.refused(ack.error.code);
      }
    } finally {
      this.current = null;
    }
  }

  /** Hangs up until the server says the call is over; syncs when a hang-up goes unanswered. */
  private async endCall(callId: string): Promise<void> {
    if (this.ending.has(callId)) return void (await this.until(() => !this.ending.has(callId), 90_000));
    this.ending.add(callId);
    try {
      for (let round = 0; !ended(this.known.get(callId)); round++) {
        if (round >= MAX_END_ROUNDS) {
          this.gaveUp += 1;
          return;
        }
        const ack = await this.req('call:hangup', { callId });
        if (ack.ok) this.learn(ack.data);
        else if (ack.error.code !== ERROR_CODES.UNAVAILABLE) this.refused(`hangup:${ack.error.code}`);
        if (!ended(this.known.get(callId))) {
          await this.until(() => ended(this.known.get(callId)), 2_000);
          await this.sync([callId]);
        }
      }
    } finally {
      this.ending.delete(callId);
    }
  }

  private async sync(callIds: string[]): Promise<void> {
    if (callIds.length === 0) return;
    for (let i = 0; i < callIds.length; i += 50) {
      const ack = await this.req('call:sync', { callIds: callIds.slice(i, i + 50) });
      if (!ack.ok) return;
      for (const call of [...ack.data.live, ...ack.data.ended]) this.learn(call);
    }
  }

  private learn(call: Call): void {
    const before = this.known.get(call.id);
    // Events can arrive out of order around a reconnect: an ended call stays ended.
    if (ended(before) && !ended(call)) return;
    this.known.set(call.id, call);
    // A call of ours we are not handling (its place ack was lost in a crash): end it.
    if (
      call.agentId === this.agentId &&
      !ended(call) &&
      this.current !== call.id &&
      this.current !== 'placing'
    ) {
      void this.endCall(call.id);
    }
    this.wake();
  }

  private refused(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  /** Resolves true once `ready()` holds (checked on every event), false after `ms`. */
  private async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }

  /** A request that fails at once while disconnected, rather than being replayed after a reconnect. */
  private req<E extends keyof AgentClientEvents & string>(
    event: E,
    payload: RequestPayload<AgentClientEvents, E>,
  ): Promise<RequestAck<AgentClientEvents, E>> {
    if (!this.socket.connected) {
      const ack: Ack<never> = {
        ok: false,
        error: { code: ERROR_CODES.UNAVAILABLE, message: 'not connected' },
      };
      return Promise.resolve(ack as RequestAck<AgentClientEvents, E>);
    }
    return request(this.socket, event, payload, { timeoutMs: ACK_TIMEOUT_MS });
  }
}
