import { randomUUID } from 'node:crypto';
import { type Ack, type Call, type Clock, ERROR_CODES, type TimerHandle } from '#shared';
import type { CallBook } from './phone-calls';
import type { CallMedia } from './phone-media';
import type { ReportQueue } from './phone-reports';
import type { Behaviour, PhoneFaults, PhoneRequest } from './phone-types';

/**
 * What the person does with the phone's calls and what the server says of them: placing one,
 * answering, declining and hanging up as `Behaviour` says, reporting each step, and following the
 * server's `call:changed` (a call ended elsewhere, a hold, this phone's own call accepted).
 */
export class CallFlow {
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly o: {
      book: CallBook;
      reports: ReportQueue;
      media: CallMedia;
      clock: Clock;
      behaviour: () => Behaviour;
      faults?: PhoneFaults;
      injected: { reordered: number };
      deviceId: () => string | undefined;
      /** Connects the socket if it is not (a push woke the app); resolves once synced. */
      connect: () => Promise<void>;
      request: PhoneRequest;
      emit: (event: string, ...args: unknown[]) => void;
    },
  ) {}

  /** Calls the console, like CXStartCallAction: the call id is the phone's own UUID. */
  async place(video = false): Promise<Call> {
    await this.o.connect();
    const id = randomUUID();
    this.o.book.place(id);
    const ack = await this.o.request('call:start', { video, callId: id });
    if (!ack.ok) {
      this.o.book.end(id, 'failed', `start refused: ${ack.error.code}`);
      throw new Error(`call:start failed: ${ack.error.code} ${ack.error.message}`);
    }
    if (ack.data.state === 'ended') this.o.book.end(id, ack.data.endReason ?? 'failed', 'server ended it');
    return ack.data;
  }

  async answer(callId: string): Promise<Ack<Call>> {
    const faults = this.o.faults;
    if (faults && faults.random() < faults.reorderReports) {
      // The `connected` below, with the sequence number it will have, overtakes `answered`.
      this.o.injected.reordered += 1;
      const seq = this.o.reports.nextSeq(callId) + 1;
      void this.o.request('call:report', { callId, event: 'connected', at: this.o.clock.now(), seq });
    }
    const ack = await this.o.reports.report(callId, 'answered');
    // Another phone of the same person answered first: a ring-all race lost.
    if (!ack.ok && ack.error.code === ERROR_CODES.ANSWERED_ELSEWHERE) this.o.emit('answerLost', callId);
    if (ack.ok) {
      this.o.book.setState(callId, 'answered');
      this.o.media.for(callId)?.input({ type: 'answered' });
      const connected = await this.o.reports.report(callId, 'connected');
      if (connected.ok) {
        this.o.book.setState(callId, 'connected');
        this.schedule(this.o.behaviour().hangupAfterMs, () => void this.hangup(callId));
      }
    }
    return ack;
  }

  async decline(callId: string): Promise<Ack<Call>> {
    this.o.book.end(callId, 'declined', 'declined');
    return this.o.reports.report(callId, 'ended', 'declined');
  }

  async hangup(callId: string): Promise<Ack<Call>> {
    // Bye first: the server relays it only while the call is live.
    this.o.media.get(callId)?.input({ type: 'hangup' });
    // Safe to repeat: a hang-up of a call that is already over is a no-op on the server.
    this.o.book.end(callId, 'completed', 'hung up');
    return this.o.reports.report(callId, 'ended');
  }

  /** The person mutes the phone's microphone (CallKit's mute): silence goes out, and it is reported. */
  mute(callId: string, on: boolean): Promise<Ack<Call>> {
    this.o.media.get(callId)?.setMuted(on);
    return this.o.reports.report(callId, on ? 'muted' : 'unmuted');
  }

  /** The person puts the call on hold on the phone; the media follows the call's state. */
  hold(callId: string, on: boolean): Promise<Ack<Call>> {
    return this.o.reports.report(callId, on ? 'held' : 'resumed');
  }

  /** Reports the call as ringing, then does what the person would. Wakes the app if needed. */
  async ringing(callId: string): Promise<void> {
    // Queued at once, as the iOS app reports to CallKit before anything else: an answer given
    // while the socket is still down then follows it, instead of overtaking it (the server
    // would drop the ring that came second).
    const reported = this.o.reports.report(callId, 'reported');
    await this.o.connect();
    const ack = await reported;
    if (!ack.ok || this.o.book.calls.get(callId)?.state !== 'ringing') return;
    const { declineAfterMs, answerAfterMs } = this.o.behaviour();
    if (declineAfterMs !== null) {
      this.schedule(declineAfterMs, () => {
        if (this.o.book.calls.get(callId)?.state === 'ringing') void this.decline(callId);
      });
    } else if (answerAfterMs !== null) {
      this.schedule(answerAfterMs, () => {
        if (this.o.book.calls.get(callId)?.state === 'ringing') void this.answer(callId);
      });
    }
  }

  /** A connected phone also hears of calls by socket; the first of push or socket rings. */
  changed(call: Call): void {
    const mine = call.devices.find((l) => l.deviceId === this.o.deviceId());
    if (call.state === 'ended' || mine?.state === 'ended') {
      this.o.book.end(call.id, mine?.endReason ?? call.endReason ?? 'failed', 'server says ended');
      return;
    }
    this.followHold(call);
    // This phone's own call, accepted by an agent: the console's offer follows.
    if (call.direction === 'inbound' && call.agentId !== null && this.o.book.calls.has(call.id)) {
      const media = this.o.media.for(call.id);
      if (media) media.input({ type: 'answered' });
      else void this.connectPlaced(call.id);
    }
    if (call.direction === 'outbound' && !this.o.book.calls.has(call.id) && mine?.state === 'pending') {
      this.o.book.ring(call.id, 'socket', call.handle);
      void this.ringing(call.id);
    }
  }

  /**
   * The server put the call on hold or took it off (the agent, or a warm transfer while the two
   * agents consult): the media follows, and the call shows it, as CallKit would on the iPhone.
   */
  private followHold(call: Call): void {
    this.o.media.get(call.id)?.setHeld(call.held);
    const local = this.o.book.calls.get(call.id);
    const answered = call.state === 'connecting' || call.state === 'active';
    if (!local || local.state === 'ended' || !answered || local.held === call.held) return;
    local.held = call.held;
    local.history.push(call.held ? 'held' : 'resumed');
    this.o.emit(call.held ? 'held' : 'resumed', call.id);
  }

  /**
   * This phone's own call is connected once an agent accepted it: with media, when ICE connects
   * (as the iOS app reports it); without, at once, as an answer does in `answer`.
   */
  async connectPlaced(callId: string): Promise<void> {
    const local = this.o.book.calls.get(callId);
    if (local?.direction !== 'outgoing' || local.state !== 'ringing') return;
    this.o.book.setState(callId, 'answered');
    const ack = await this.o.reports.report(callId, 'connected');
    if (ack.ok) this.o.book.setState(callId, 'connected');
  }

  private schedule(ms: number | null, fn: () => void): void {
    if (ms === null) return;
    if (ms <= 0) {
      setImmediate(fn);
      return;
    }
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  /** The phone closes: what the person was about to do is not done. */
  close(): void {
    for (const t of this.timers) this.o.clock.clearTimeout(t);
    this.timers.clear();
  }
}
