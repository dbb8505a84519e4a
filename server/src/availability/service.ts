import { type AgentAvailability, type Call, type ChosenState, type Clock, isLive } from '#shared';
import { KeyedTimers } from '../calls/keyed-timers';
import type { CallObserver } from '../calls/lifecycle';
import type { LiveCalls } from '../calls/live';
import type { Locks, Notifier, Presence } from '../calls/ports';
import { KeyedQueue } from '../calls/queue';
import type { Logger } from '../ops/logger';
import type { AvailabilityRow, Storage } from '../storage/types';
import { Announcements } from './announcements';
import { consultingAgent, effective, inCallSince } from './effective';

export interface AvailabilityOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  notifier: Pick<Notifier, 'toAgents'>;
  presence: Presence;
  live: LiveCalls;
  /** After-call work following an answered call; 0 turns it off. */
  afterCallWorkMs: number;
  /** How long after an agent's last console closed they become Away (a reload comes back sooner). */
  awayGraceMs: number;
  /** The agent is Away now (chosen, or their consoles gone): a transfer ringing them ends. */
  onAway?: (agentId: string) => void;
}

const acwKey = (agentId: string) => `acw:${agentId}`;
const awayKey = (agentId: string) => `away:${agentId}`;

/**
 * Agents' availability (issue 24 item 1): what each chose, Busy while in a call, after-call work
 * after one, Away once their last console has been closed for the grace. Stored in the database
 * (every node of a cluster reads the same), told to every console as `availability:changed`, and
 * asked by inbound calls: they ring only agents online and Available.
 */
export class Availability implements CallObserver {
  private readonly timers: KeyedTimers;
  /** One change at a time per agent, each reading the state as it is then. */
  private readonly queue = new KeyedQueue();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Every `availability:changed`, coalesced when agents change faster than consoles need. */
  private readonly announcements: Announcements;

  constructor(private readonly o: AvailabilityOptions) {
    this.timers = new KeyedTimers(o.clock);
    this.announcements = new Announcements({
      read: async (agentIds) =>
        (await o.storage.availability.findMany(agentIds)).map((r) => this.entryOf(r, r.name)),
      send: (agents) => o.notifier.toAgents('availability:changed', { agents }),
      onError: (err) => o.logger.error({ err }, 'announcing availability failed'),
    });
  }

  // MARK: - Reading

  async list(): Promise<AgentAvailability[]> {
    const rows = await this.o.storage.availability.list();
    return rows.map((r) => this.entryOf(r, r.name));
  }

  async entry(agentId: string): Promise<AgentAvailability | null> {
    const row = await this.o.storage.availability.find(agentId);
    return row ? this.entryOf(row, row.name) : null;
  }

  /** Who an inbound call rings now: agents with a console connected who are Available. */
  async availableAgentIds(): Promise<string[]> {
    const online = new Set(this.o.presence.onlineAgentIds());
    if (online.size === 0) return [];
    const entries = await this.list();
    return entries.filter((e) => online.has(e.agentId) && e.state === 'available').map((e) => e.agentId);
  }

  async isAvailable(agentId: string): Promise<boolean> {
    return (await this.availableAgentIds()).includes(agentId);
  }

  private entryOf(row: AvailabilityRow, name: string): AgentAvailability {
    const now = this.o.clock.now();
    const state = effective(row, inCallSince(row.agentId, this.o.live.list()), now);
    const online = this.o.presence.onlineAgentIds().includes(row.agentId);
    return { agentId: row.agentId, name, ...state, online };
  }

  // MARK: - What agents choose

  /** The agent's own choice; choosing Available also ends after-call work early. */
  choose(agentId: string, state: ChosenState): Promise<AgentAvailability> {
    return this.queue.run(agentId, async () => {
      const row = this.row(agentId, state, this.o.clock.now());
      // Choosing the state one is in keeps its "since".
      const others = (['available', 'afterCall', 'away'] as const).filter((s) => s !== state);
      await this.o.storage.availability.update(row, { state: others });
      if (state === 'away') await this.o.storage.availability.update(row, { state: ['away'], auto: true });
      this.timers.clear(acwKey(agentId));
      if (state === 'away') this.o.onAway?.(agentId);
      const entry = await this.entry(agentId);
      if (!entry) throw new Error(`agent ${agentId} has no availability`);
      this.announce(agentId);
      return entry;
    });
  }

  /** A console of the agent connected: the grace ends, and an Away the server set is undone. */
  consoleBack(agentId: string): Promise<void> {
    this.timers.clear(awayKey(agentId));
    const back = this.row(agentId, 'available', this.o.clock.now());
    return this.change(
      agentId,
      () => this.o.storage.availability.update(back, { state: ['away'], auto: true }),
      true,
    );
  }

  /** The agent's last console closed: Away after the grace, unless one comes back (a reload). */
  consoleLeft(agentId: string): void {
    this.announce(agentId);
    this.timers.set(awayKey(agentId), this.o.awayGraceMs, () => this.goneAway(agentId));
  }

  private goneAway(agentId: string): void {
    if (this.o.presence.onlineAgentIds().includes(agentId)) return;
    const away = { ...this.row(agentId, 'away', this.o.clock.now()), auto: true };
    this.change(agentId, async () => {
      const changed = await this.o.storage.availability.update(away, { state: ['available', 'afterCall'] });
      if (changed) this.o.onAway?.(agentId);
      return changed;
    });
  }

  /** The disposition of a call was saved: the after-call work that call left ends now. */
  wrapUpSaved(agentId: string, callId: string): Promise<void> {
    const done = this.row(agentId, 'available', this.o.clock.now());
    return this.change(agentId, async () => {
      const ended = await this.o.storage.availability.update(done, { state: ['afterCall'], callId });
      if (ended) this.timers.clear(acwKey(agentId));
      return ended;
    });
  }

  // MARK: - What calls do

  /**
   * An agent who was in an answered call and is no longer (it ended, or went to someone else)
   * goes into after-call work; with none configured, straight back to Available. Written before
   * the call's change is stored, so no inbound call can find them Available in between. One whose
   * consoles are all gone is Away instead, and so is one who chose Away during the call; one who
   * saved the call's disposition during it has no after-call work left.
   */
  async beforeStored(prev: Call | null, next: Call, held?: Locks): Promise<void> {
    if (!prev || !isLive(prev) || prev.agentId === null || prev.answeredAt === null) return;
    if (isLive(next) && next.agentId === prev.agentId) return;
    const agentId = prev.agentId;
    const now = this.o.clock.now();
    const online = this.o.presence.onlineAgentIds().includes(agentId);
    const ms = this.o.afterCallWorkMs;
    const { availability } = this.o.storage;
    // On PostgreSQL the statement goes in the call's own write, in its transaction (one round
    // trip, not two in a row: bench/README.md); elsewhere it runs now, before the call is stored.
    const also = held?.also?.bind(held);
    const withCall = also && availability.statements;
    // An Away the agent chose during the call stays: each statement leaves it as it is.
    if (online && ms > 0) {
      // After-call work, unless the call's wrap-up already has its disposition: one statement.
      const c = { agentId, since: now, until: now + ms, callId: next.id };
      if (withCall) {
        also(withCall.afterCall(c, prev.answeredAt));
        // What the statement decides is not known here: the timer finds out when it fires.
        this.armAfterCall(agentId, ms);
        return;
      }
      const state = await availability.putAfterCall(c, prev.answeredAt);
      if (state === 'afterCall') this.armAfterCall(agentId, ms);
      return;
    }
    const row: AvailabilityRow = online
      ? this.row(agentId, 'available', now)
      : { ...this.row(agentId, 'away', now), auto: true };
    if (withCall) also(withCall.unlessChosenAway(row, prev.answeredAt));
    else await availability.putUnlessChosenAway(row, prev.answeredAt);
  }

  /** Whoever's call this was, or who consults on its transfer, may have become Busy or stopped. */
  committed(prev: Call | null, next: Call): void {
    const parties = (c: Call | null) =>
      c && isLive(c) ? [c.agentId, consultingAgent(c)].filter((id): id is string => id !== null) : [];
    const before = parties(prev);
    const after = parties(next);
    if (before.join() === after.join() && prev !== null) return;
    for (const agentId of new Set([...before, ...after])) this.announce(agentId);
  }

  private armAfterCall(agentId: string, ms: number): void {
    this.timers.set(acwKey(agentId), ms, () => this.afterCallOver(agentId));
  }

  private afterCallOver(agentId: string): void {
    this.change(agentId, async () => {
      const row = await this.o.storage.availability.get(agentId);
      const now = this.o.clock.now();
      if (row?.state !== 'afterCall' || row.until === null || row.until > now) return false;
      const back = this.row(agentId, 'available', row.until);
      return this.o.storage.availability.update(back, { state: ['afterCall'], untilAtMost: now });
    });
  }

  // MARK: - Team and lifetime

  /** Agents were added, removed, disabled or enabled: every console gets the whole list again. */
  teamChanged(): void {
    this.track(this.list().then((agents) => this.o.notifier.toAgents('availability:snapshot', { agents })));
  }

  /** After-call work left by a previous run (or another node) still ends on time here. */
  async start(): Promise<void> {
    const now = this.o.clock.now();
    for (const row of await this.o.storage.availability.list()) {
      if (row.state === 'afterCall' && row.until !== null && row.until > now) {
        this.armAfterCall(row.agentId, row.until - now);
      }
    }
  }

  close(): void {
    this.timers.close();
    this.announcements.close();
  }

  /** Resolves once every change and announcement set off so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    do {
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      await this.announcements.settled();
    } while (this.pending > 0);
  }

  get pending(): number {
    return this.inflight.size + (this.announcements.busy ? 1 : 0);
  }

  // MARK: - Plumbing

  private row(agentId: string, state: AvailabilityRow['state'], since: number): AvailabilityRow {
    return { agentId, state, since, until: null, callId: null, auto: false };
  }

  /** Runs a change in the agent's queue and tells every console when it changed (or `always`). */
  private change(agentId: string, write: () => Promise<boolean>, always = false): Promise<void> {
    const task = this.queue.run(agentId, async () => {
      const changed = await write();
      if (changed || always) this.announce(agentId);
    });
    return this.track(task);
  }

  private announce(agentId: string): void {
    this.announcements.changed(agentId);
  }

  private track<T>(task: Promise<T>): Promise<T> {
    const settled = task.catch((err: unknown) => {
      this.o.logger.error({ err }, 'changing an agent availability failed');
    });
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
    return task;
  }
}
