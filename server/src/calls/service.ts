import {
  type AgentRequest,
  type Call,
  type CallEvent,
  type DeviceRequest,
  type EndReason,
  liveTransfer,
  partyPhone,
  type RtcSignal,
  transition,
} from '#shared';
import { AppError } from '../errors';
import type { DeviceRow } from '../storage/types';
import { TransferCalls } from '../transfer/calls';
import { consultPeer, relayConsult } from '../transfer/consult';
import { AgentCalls } from './agent-calls';
import { consoleResync } from './audience';
import { CANCEL_ACK_GRACE_MS } from './cancel-acks';
import { CallLifecycle, type LifecycleOptions } from './lifecycle';
import { PhoneCalls } from './phone-calls';
import type { CallCore, Party } from './ports';
import { relaySignal, rtcPeer } from './rtc';
import { syncConsole, syncPhone } from './sync';

/** The lifecycle's parts (its `ports`: this topology's locks, timers and cancel journal), and the rules' settings. */
export interface CallServiceOptions extends LifecycleOptions {
  ringTimeoutMs: number;
  reconnectGraceMs: number;
  /** What the phone's call screen shows for calls from the console. */
  caller: { handle: string; organisation: string };
  /**
   * The agents online and Available now: the ones an inbound call rings and a transfer may be
   * offered to (without it, every agent online).
   */
  availableAgentIds?: () => Promise<string[]>;
}

/**
 * Whether the call cannot go on without this party: its agent, the phone on the other end, or
 * the agent a transfer rings or consults (the transfer ends without them).
 */
function involves(call: Call, party: Party): boolean {
  if ('deviceId' in party) return partyPhone(call) === party.deviceId;
  return call.agentId === party.agentId || liveTransfer(call)?.toAgentId === party.agentId;
}

/**
 * The authority on every call, as the gateways and the ports see it: what consoles and phones ask
 * (agent-calls.ts, phone-calls.ts), parties coming and going, and the queries. The lifecycle
 * applies the state machine; the push ledger owns the VoIP pushes.
 */
export class CallService implements CallCore {
  private readonly life: CallLifecycle;
  private readonly agents: AgentCalls;
  private readonly phones: PhoneCalls;
  /** Handing calls between agents (server/src/transfer). */
  readonly transfers: TransferCalls;
  /** Closed: sockets closing now are the server's own shutdown, not parties leaving. */
  private closed = false;

  constructor(private readonly o: CallServiceOptions) {
    this.life = new CallLifecycle(o);
    this.agents = new AgentCalls(this.life, { ...o, pushable: (d) => o.sender.canPush(d) });
    this.phones = new PhoneCalls(this.life, o);
    this.transfers = new TransferCalls(this.life, { ...o, onReturned: (call) => this.returned(call) });
  }

  // MARK: - Start and stop

  async recover(): Promise<number> {
    const orphans = await this.o.storage.calls.listLive();
    for (const call of orphans) {
      const detail = 'the server restarted before the call finished';
      const result = transition(call, { type: 'fail', detail }, this.o.clock.now(), 'server');
      if (result.ok) await this.life.commit(call, result.call, null);
    }
    return orphans.length;
  }

  /**
   * Ends, as `failed`, every live call, telling consoles and phones (cancel pushes included): a
   * server that stops for good (the desktop app quitting) must not leave a phone's call screen up.
   */
  async endAll(detail: string): Promise<number> {
    const live = this.o.live.list();
    for (const call of live) await this.life.settle(call.id, { type: 'fail', detail });
    return live.length;
  }

  close(): void {
    this.closed = true;
    this.life.pushes.stop();
  }

  get pending(): number {
    return this.life.pending;
  }

  drain(): Promise<void> {
    return this.life.drain();
  }

  // MARK: - What the ports report

  ringOver(callId: string): Promise<void> {
    return this.life.ringOver(callId);
  }

  transferOver(callId: string): Promise<void> {
    return this.transfers.timeout(callId);
  }

  async graceOver(party: Party): Promise<void> {
    await this.life.followUp(this.dropParty(party));
  }

  partyGone(party: Party): void {
    this.partyLeft(party);
    if ('deviceId' in party) {
      const staff = this.o.storage.devices
        .get(party.deviceId)
        .then((d) => d && this.o.onStaffChanged(d.staffId));
      void this.life.followUp(staff);
    }
  }

  resendCancel(call: Call, deviceId: string, reason: EndReason): boolean {
    return this.life.pushes.resend(call, deviceId, reason, () =>
      this.o.notifier.cancelDevice(deviceId, { callId: call.id, reason }, CANCEL_ACK_GRACE_MS),
    );
  }

  // MARK: - Parties coming and going

  /**
   * The last socket of a console or phone closed. A call it is a party to waits the reconnect
   * grace for it (a network blip, a relaunch) and then ends `failed`, so a party that is gone for
   * good never leaves the other one in a silent call, nor the agent busy forever.
   */
  partyLeft(party: Party): void {
    if (this.closed || !this.o.live.list().some((c) => involves(c, party))) return;
    void this.life.followUp(
      this.o.ports.timers.graceStarted(party, this.o.clock.now() + this.o.reconnectGraceMs),
    );
  }

  /** A socket of the party connected: its calls go on. */
  partyBack(party: Party): void {
    void this.life.followUp(this.o.ports.timers.graceEnded(party));
  }

  private async dropParty(party: Party): Promise<void> {
    const online =
      'agentId' in party
        ? this.o.presence.onlineAgentIds().includes(party.agentId)
        : this.o.presence.isDeviceOnline(party.deviceId);
    if (online) return;
    const who = 'agentId' in party ? 'console' : 'phone';
    const lost = `lost its connection and did not come back within ${Math.round(this.o.reconnectGraceMs / 1000)} s`;
    const detail = `the ${who} ${lost}`;
    // What is decided below is decided from the view: in a cluster, read from the database first.
    const id = 'agentId' in party ? party.agentId : party.deviceId;
    await this.o.live.catchUpOn(id, (c) => involves(c, party));
    let calls = this.o.live.list().filter((c) => involves(c, party));
    if ('agentId' in party) {
      // Transfers first: one ringing this agent ends, a consultation they started completes, and
      // a call still ringing someone else waits for them (returned() gives the grace again).
      await this.transfers.targetGone(party.agentId, `their console ${lost}`);
      calls = await this.transfers.transferrerGone(party.agentId, `the first agent's console ${lost}`);
      calls = calls.filter((c) => liveTransfer(c) === null);
    }
    for (const call of calls) await this.life.settle(call.id, { type: 'fail', detail });
  }

  /** The agent went Away: a transfer ringing them (or consulting with them) ends, the call stays. */
  agentAway(agentId: string): void {
    void this.life.followUp(this.transfers.targetGone(agentId, 'they went away'));
  }

  /** After a transfer step: the call's agent (the first one, or the new) must be there, or come back. */
  private returned(call: Call): void {
    if (call.agentId !== null && !this.o.presence.onlineAgentIds().includes(call.agentId)) {
      this.partyLeft({ agentId: call.agentId });
    }
  }

  // MARK: - Requests

  /** `quiet`: the console's socket that takes the ack as the change (`callAcks`), as `report`'s. */
  place(agentId: string, req: AgentRequest<'call:place'>, quiet?: string): Promise<Call> {
    return this.agents.place(agentId, req, { quiet });
  }

  act(agentId: string, callId: string, event: CallEvent, quiet?: string): Promise<Call> {
    return this.agents.act(agentId, callId, event, quiet);
  }

  report(deviceId: string, req: DeviceRequest<'call:report'>, quiet?: string): Promise<Call> {
    return this.phones.report(deviceId, req, quiet);
  }

  startFromDevice(deviceId: string, req: DeviceRequest<'call:start'>): Promise<Call> {
    return this.phones.start(deviceId, req);
  }

  relaySignal(from: Party, callId: string, signal: RtcSignal): void {
    relaySignal(this.o.live, this.o.notifier, from, callId, signal);
  }

  rtcPeer(from: Party, callId: string): { peer: Party; answeredAt: number } {
    return rtcPeer(this.o.live, from, callId);
  }

  /**
   * When the media an agent asks ICE servers for began: their call's, or else the consultation's
   * they are part of (a warm transfer's two consoles). Throws for anyone else.
   */
  iceStart(agentId: string, callId: string): number {
    try {
      return rtcPeer(this.o.live, { agentId }, callId).answeredAt;
    } catch (e) {
      const transfer = this.o.live.get(callId) && liveTransfer(this.o.live.get(callId)!);
      if (transfer?.state !== 'consulting') throw e;
      return consultPeer(this.o.live, agentId, callId).startedAt;
    }
  }

  relayConsult(agentId: string, callId: string, signal: RtcSignal): void {
    relayConsult(this.o.live, this.o.notifier, agentId, callId, signal);
  }

  /**
   * A ring test (issue 25 item 3): a real call to one phone or every phone of a staff member,
   * "Ring test from <agent>", ringing RING_TEST_MS at most.
   */
  ringTest(agentId: string, target: { staffId: string } | { deviceId: string }): Promise<Call> {
    return this.agents.place(agentId, { ...target, video: false }, { ringTest: true });
  }

  /** Ends a call on the server's word (a ring test that was answered); nothing if it moved on. */
  hangUpByServer(callId: string): Promise<void> {
    return this.life.settle(callId, { type: 'hangup' }, 'server');
  }

  /**
   * The ring check of a call still ringing (issue 25 item 7): notes its silent phones and rings
   * the fallback's (`ringCheck`); those of `toPush` that joined get their call push. Null when the
   * call had moved on.
   */
  async ringCheck(callId: string, event: Extract<CallEvent, { type: 'ringCheck' }>, toPush: DeviceRow[]) {
    let before: string[] = [];
    // The legs as the call stood under its lock, not as this node's view last heard of them.
    const authorize = (stored: Call) => {
      before = stored.devices.map((l) => l.deviceId);
      return undefined;
    };
    const call = await this.life.apply(callId, event, 'server', { authorize }).catch((e) => {
      if (e instanceof AppError) return null;
      throw e;
    });
    if (!call) return null;
    const joined = new Set(call.devices.map((l) => l.deviceId).filter((id) => !before.includes(id)));
    this.life.pushes.ring(
      call,
      toPush.filter((d) => joined.has(d.id)),
    );
    return call;
  }

  /** Whether this phone can be rung by VoIP push now. */
  pushable(d: DeviceRow): boolean {
    return this.o.sender.canPush(d);
  }

  // MARK: - Queries

  liveCalls(): Call[] {
    return this.o.live.list();
  }

  /** The live calls a (re)connecting console is sent, by the same rule as the live broadcasts. */
  resyncFor(agentId: string) {
    return consoleResync(agentId, this.o.live.list());
  }

  /** What a reconnecting console asks about the calls it still shows (sync.ts). */
  syncAgent(agentId: string, req: AgentRequest<'call:sync'>) {
    return syncConsole(agentId, req, this.o.live, this.o.storage.calls);
  }

  /** What a waking phone asks: which of its calls still go on, and how the others ended. */
  sync(deviceId: string, req: DeviceRequest<'call:sync'>) {
    return syncPhone(deviceId, req, this.o.live, this.o.storage.calls);
  }
}

export type { Party } from './ports';
