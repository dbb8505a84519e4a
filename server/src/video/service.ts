import {
  type Call,
  type Clock,
  type DeviceFeature,
  ERROR_CODES,
  isLive,
  partyPhone,
  type TimerHandle,
  VIDEO_REQUEST_TIMEOUT_MS,
  type VideoOffReason,
  type VideoReport,
  type VideoSettings,
  type VideoSide,
  type VideoState,
} from '#shared';
import type { CallObserver } from '../calls/lifecycle';
import type { LiveCalls } from '../calls/live';
import type { Notifier } from '../calls/ports';
import { AppError, forbidden } from '../errors';

export interface VideoServiceOptions {
  clock: Clock;
  live: LiveCalls;
  notifier: Notifier;
  /** What a phone announced in its handshake, over all its open sockets (in a cluster, on any node). */
  features: (deviceId: string) => Promise<DeviceFeature[]>;
  settings: () => Promise<VideoSettings>;
}

const invalid = (message: string) => new AppError(ERROR_CODES.INVALID_TRANSITION, message);

/**
 * Each live call's video (issue 27; the wire is shared/src/video.ts): the only authority on it,
 * as the call service is on the call. It tells the agent's consoles and the phone every change;
 * the console re-offers on the call's peer connection from what it hears, the phone attaches or
 * detaches its camera. A call's video goes when the call ends, is held or changes agents.
 *
 * Held in this node's memory: a call's requests all reach the node its agent's console is on.
 */
export class VideoService implements CallObserver {
  private readonly states = new Map<string, VideoState>();
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly o: VideoServiceOptions) {}

  /** The call's video now (`off`, never asked, for a call without any). */
  async current(callId: string): Promise<VideoState> {
    const known = this.states.get(callId);
    if (known) return known;
    const { snapshots, maxKbps } = await this.o.settings();
    return {
      callId,
      state: 'off',
      by: null,
      reason: null,
      camera: null,
      agentCamera: false,
      maxKbps,
      snapshots,
      at: this.o.clock.now(),
    };
  }

  async request(agentId: string, callId: string): Promise<VideoState> {
    const { call, phone } = this.agentsCall(agentId, callId);
    const now = await this.current(callId);
    if (now.state !== 'off') return now;
    if (call.held) throw invalid('the call is on hold; take it off hold first');
    if (!(await this.o.features(phone)).includes('video')) {
      throw forbidden("this phone's app cannot send video (it did not say it can); update the app");
    }
    const next = this.set(call, { ...now, state: 'requested', by: 'agent', reason: null });
    this.timers.set(
      callId,
      this.o.clock.setTimeout(() => {
        this.timers.delete(callId);
        const live = this.o.live.get(callId);
        if (live && this.states.get(callId)?.state === 'requested') this.off(live, null, 'unanswered');
      }, VIDEO_REQUEST_TIMEOUT_MS),
    );
    return next;
  }

  async stop(agentId: string, callId: string): Promise<VideoState> {
    const { call } = this.agentsCall(agentId, callId);
    const now = await this.current(callId);
    if (now.state === 'off') return now;
    return this.off(call, 'agent', now.state === 'requested' ? 'cancelled' : 'stopped');
  }

  async camera(agentId: string, callId: string, on: boolean): Promise<VideoState> {
    const { call } = this.agentsCall(agentId, callId);
    const now = await this.current(callId);
    if (now.agentCamera === on) return now;
    if (on && now.state !== 'on' && now.state !== 'paused') {
      throw invalid("the agent's camera goes with the phone's video: ask for it first");
    }
    return this.set(call, { ...now, agentCamera: on, by: 'agent' });
  }

  async marker(agentId: string, callId: string, x: number, y: number): Promise<null> {
    const { phone } = this.agentsCall(agentId, callId);
    const now = await this.current(callId);
    if (now.state !== 'on' && now.state !== 'paused') throw invalid('there is no video to point at');
    this.o.notifier.toDevice(phone, 'video:marker', { callId, x, y, at: this.o.clock.now() });
    return null;
  }

  /** What staff did on the phone. Replays (the same event again) answer the state unchanged. */
  async report(deviceId: string, { callId, event, camera }: VideoReport): Promise<VideoState> {
    const call = this.o.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    if (partyPhone(call) !== deviceId || call.agentId === null) {
      throw forbidden('this phone is not the party of this call');
    }
    const now = await this.current(callId);
    const sending = now.state === 'on' || now.state === 'paused';
    const on = (state: 'on' | 'paused') =>
      this.set(call, { ...now, state, by: 'phone', reason: null, camera: camera ?? now.camera ?? 'back' });
    switch (event) {
      case 'accepted':
        if (sending) return now;
        if (now.state !== 'requested') throw invalid('the agent did not ask for video (or withdrew)');
        return on('on');
      case 'started':
        if (sending) return now;
        if (call.held) throw invalid('the call is on hold');
        if (call.state !== 'active') throw invalid('video starts once the call is connected');
        return on('on');
      case 'declined':
        if (now.state !== 'requested') return now;
        return this.off(call, 'phone', 'declined');
      case 'paused':
      case 'resumed':
      case 'switched':
        if (!sending) throw invalid('the phone sends no video');
        return on(
          event === 'paused' ? 'paused' : event === 'resumed' ? 'on' : (now.state as 'on' | 'paused'),
        );
      case 'stopped':
        if (now.state === 'off') return now;
        return this.off(call, 'phone', 'stopped');
    }
  }

  /** The video of this agent's live calls that is not off, for a console that (re)connects. */
  resyncFor(agentId: string): VideoState[] {
    return [...this.states.values()].filter(
      (v) => v.state !== 'off' && this.o.live.get(v.callId)?.agentId === agentId,
    );
  }

  /**
   * The video of this phone's live calls, off included, for a phone that (re)connects: a change
   * made while its socket was down (the agent stopped it, say) would otherwise never reach it, and
   * its camera would go on sending.
   */
  resyncForDevice(deviceId: string): VideoState[] {
    return [...this.states.values()].filter((v) => {
      const call = this.o.live.get(v.callId);
      return call !== undefined && partyPhone(call) === deviceId;
    });
  }

  /** The team's settings changed: live calls' states carry them from now on. */
  configured(settings: VideoSettings): void {
    for (const [callId, state] of this.states) {
      const call = this.o.live.get(callId);
      if (call) this.set(call, { ...state, ...settings });
    }
  }

  committed(prev: Call | null, next: Call): void {
    const state = this.states.get(next.id);
    if (!isLive(next)) {
      this.forget(next.id);
      return;
    }
    if (!state || state.state === 'off') return;
    if (next.held && !prev?.held) this.off(next, null, 'held');
    else if (prev && prev.agentId !== next.agentId)
      this.off({ ...next, agentId: prev.agentId }, null, 'transferred');
  }

  private agentsCall(agentId: string, callId: string): { call: Call; phone: string } {
    const call = this.o.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
    const phone = partyPhone(call);
    if (phone === null || call.state !== 'active') throw invalid('video starts once the call is connected');
    return { call, phone };
  }

  private off(call: Call, by: VideoSide | null, reason: VideoOffReason): VideoState {
    const now = this.states.get(call.id);
    if (!now) throw invalid('no video on this call');
    return this.set(call, { ...now, state: 'off', by, reason, camera: null, agentCamera: false });
  }

  private set(call: Call, state: VideoState): VideoState {
    const next = { ...state, at: this.o.clock.now() };
    if (next.state !== 'requested') this.clearTimer(call.id);
    this.states.set(call.id, next);
    if (call.agentId !== null) this.o.notifier.toAgent(call.agentId, 'video:changed', next);
    const phone = partyPhone(call);
    if (phone !== null) this.o.notifier.toDevice(phone, 'video:changed', next);
    return next;
  }

  private clearTimer(callId: string): void {
    const timer = this.timers.get(callId);
    if (timer) this.o.clock.clearTimeout(timer);
    this.timers.delete(callId);
  }

  private forget(callId: string): void {
    this.clearTimer(callId);
    this.states.delete(callId);
  }
}
