import { randomUUID } from 'node:crypto';
import { type EndReason, isStale, parsePushPayload } from '#shared';
import type { LocalCall } from './phone-types';

/**
 * The phone's calls as its CallKit holds them, one per call id, and the cancels that came before
 * their call. Pushes follow the iOS rules here: every push is reported as a call, even a broken or
 * stale one (then ended at once), and a cancel seen first ends its call on arrival.
 */
export class CallBook {
  readonly calls = new Map<string, LocalCall>();
  private readonly cancelled = new Map<string, EndReason>();

  constructor(
    private readonly o: {
      emit: (event: string, ...args: unknown[]) => void;
      /** A call ended here: its media stops. */
      ended: (callId: string) => void;
    },
  ) {}

  /** A call the person places (CXStartCallAction): the id is the phone's own. */
  place(id: string): void {
    this.calls.set(id, {
      id,
      direction: 'outgoing',
      state: 'ringing',
      endReason: null,
      via: 'placed',
      handle: 'console',
      held: false,
      history: ['started'],
    });
  }

  ring(id: string, via: LocalCall['via'], handle: string): void {
    this.calls.set(id, {
      id,
      direction: 'incoming',
      state: 'ringing',
      endReason: null,
      via,
      handle,
      held: false,
      history: ['reported'],
    });
    this.o.emit('ringing', id);
  }

  setState(id: string, state: LocalCall['state']): void {
    const call = this.calls.get(id);
    if (!call || call.state === 'ended') return;
    call.state = state;
    call.history.push(state);
    this.o.emit(state, id);
  }

  end(id: string, reason: EndReason, why: string): void {
    const call = this.calls.get(id);
    if (!call || call.state === 'ended') return;
    call.state = 'ended';
    call.endReason = reason;
    call.history.push(`ended:${reason} (${why})`);
    this.o.ended(id);
    this.o.emit('ended', id, reason);
  }

  /** A cancel, by push or socket: ends its call, or is kept for a call that has not arrived yet. */
  cancel(callId: string, reason: EndReason, why: string): void {
    if (this.calls.has(callId)) this.end(callId, reason, why);
    else this.cancelled.set(callId, reason);
  }

  /**
   * PushKit's didReceiveIncomingPush: whatever arrives is reported as a call. Returns the id of a
   * call that now rings for the person to answer, or null (a cancel, a duplicate, or a call ended
   * at once).
   */
  push(raw: unknown, arrivedAt: number): string | null {
    const parsed = parsePushPayload(raw);
    if (!parsed.ok) {
      // iOS would kill an app that reports nothing: report a call and end it at once.
      const id = parsed.callId ?? randomUUID();
      this.ring(id, 'push', 'unknown');
      this.end(id, 'failed', `malformed push: ${parsed.error}`);
      this.o.emit('malformedPush', parsed.error);
      return null;
    }
    const push = parsed.push;
    if (push.kind === 'cancel') {
      this.cancel(push.callId, push.reason, 'cancel push');
      return null;
    }
    if (this.calls.has(push.callId)) {
      this.o.emit('duplicatePush', push.callId);
      return null;
    }
    this.ring(push.callId, 'push', push.handle);
    const early = this.cancelled.get(push.callId);
    if (early) {
      this.end(push.callId, early, 'cancel arrived before the call');
      return null;
    }
    if (isStale(push, arrivedAt, arrivedAt)) {
      this.end(push.callId, 'missed', 'stale push: past its ring deadline');
      return null;
    }
    return push.callId;
  }
}
