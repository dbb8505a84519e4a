import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import {
  type Ack,
  type Call,
  type Camera,
  type Clock,
  type DeviceClientEvents,
  type DeviceReportEvent,
  type DeviceServerEvents,
  deviceAuth,
  type EndReason,
  ERROR_CODES,
  httpRequest,
  type MicrophonePermission,
  type RequestAck,
  type RequestPayload,
  request,
  systemClock,
  type TimerHandle,
  type VideoReportEvent,
  type VideoState,
} from '#shared';
import type { MediaStats } from './media';
import { CallBook } from './phone-calls';
import { CallMedia } from './phone-media';
import { ReportQueue } from './phone-reports';
import {
  type Behaviour,
  type Credentials,
  IGNORE,
  type LocalCall,
  type VirtualPhoneOptions,
} from './phone-types';
import { PhoneVideo } from './phone-video';

/**
 * A phone that follows the same rules as the iOS companion (DESIGN.md and the CallKit seed):
 * every push is reported as a call, even a broken or stale one (then ended at once); one call per
 * call id; a cancel that comes before its call is remembered and ends that call on arrival; every
 * wake or reconnect asks `call:sync` and ends what is over; reports are queued, acked with a
 * timeout, retried, and safe to repeat.
 */
export class VirtualPhone extends EventEmitter {
  readonly calls: Map<string, LocalCall>;
  /** Cancels this phone acknowledged over its socket: the server sends it no cancel push for them. */
  readonly acknowledgedCancels = new Set<string>();
  credentials: Credentials | null;
  voipToken = randomBytes(32).toString('hex');
  behaviour: Behaviour;
  /** Faults injected so far (`faults` option, and `dropConnection`). */
  readonly injected = { duplicates: 0, reordered: 0, drops: 0 };

  private readonly clock: Clock;
  private readonly book: CallBook;
  private readonly reports: ReportQueue;
  private readonly timers = new Set<TimerHandle>();
  private readonly media: CallMedia;
  private socket: Socket<DeviceServerEvents, DeviceClientEvents> | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private flaky: NodeJS.Timeout | null = null;
  private microphone: MicrophonePermission;
  /** Each call's video as the server last said, and the agent's markers (issue 27). */
  readonly video: PhoneVideo;

  constructor(private readonly o: VirtualPhoneOptions) {
    super();
    this.clock = o.clock ?? systemClock();
    this.credentials = o.credentials ?? null;
    this.behaviour = { ...IGNORE, ...o.behaviour };
    this.microphone = o.microphone ?? 'granted';
    this.book = new CallBook({
      ended: (callId) => this.media.get(callId)?.input({ type: 'ended' }),
      emit: this.emit.bind(this),
    });
    this.calls = this.book.calls;
    this.reports = new ReportQueue({
      clock: this.clock,
      send: (report) => this.request('call:report', report),
      ready: () => this.connected && !this.closed,
      faults: o.faults,
      injected: this.injected,
      ended: (callId, reason, why) => this.book.end(callId, reason, why),
      duplicateRefused: (report, error) => this.emit('duplicateRefused', report, error),
    });
    this.media = new CallMedia({
      mode: o.media,
      request: (event, payload) => this.request(event, payload),
      live: (callId) => {
        const call = this.calls.get(callId);
        return call !== undefined && call.state !== 'ended';
      },
      endCall: (callId, reason) => {
        this.book.end(callId, 'completed', reason);
        void this.report(callId, 'ended');
      },
      connected: (callId) => void this.connectPlaced(callId),
      log: o.log && ((callId, line) => o.log?.(`${this.name} ${callId.slice(0, 8)}: ${line}`)),
    });
    this.video = new PhoneVideo({
      answer: o.video ?? 'ignore',
      report: (callId, event, camera) =>
        this.request('video:report', { callId, event, ...(camera ? { camera } : {}) }),
      media: (callId) => this.media.get(callId),
      emit: (event, payload) => this.emit(event, payload),
    });
  }

  get name(): string {
    return this.o.name ?? 'Virtual iPhone';
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  // MARK: - Pairing and connection

  async pair(code: string): Promise<Credentials> {
    const res = await httpRequest(this.o.server, 'POST /api/devices/pair', {
      body: {
        code,
        name: this.name,
        model: 'VirtualPhone1,1',
        osVersion: '18.0',
        appVersion: '1.0.0 (virtual)',
        bundleId: this.bundleId,
        apnsEnvironment: this.environment,
      },
    });
    if (!res.ok) throw new Error(`pairing failed: ${res.error.code} ${res.error.message}`);
    this.credentials = res.data;
    return res.data;
  }

  /** Registers the VoIP token with APNs, listens for pushes, connects the socket. */
  async start(): Promise<void> {
    await this.o.network.register(this.voipToken, this.bundleId, this.environment);
    this.unsubscribe = await this.o.network.subscribe(this.voipToken, (payload) => this.onPush(payload));
    await this.connect();
    if (this.o.flakyEveryMs) {
      this.flaky = setInterval(() => this.socket?.io.engine?.close(), this.o.flakyEveryMs);
      this.flaky.unref();
    }
  }

  /** Connects (or reconnects) the socket; resolves once `device:update` and `call:sync` are done. */
  async connect(): Promise<void> {
    if (this.closed) return;
    if (!this.credentials) throw new Error('pair the phone first');
    if (!this.socket) {
      const { deviceId, deviceSecret } = this.credentials;
      const url = new URL('/device', this.o.server).toString();
      this.socket = io(url, {
        auth: deviceAuth(deviceId, deviceSecret, this.o.video ? ['video'] : undefined),
        transports: ['websocket'],
        // Each phone is its own device with its own connection: never multiplexed with another
        // phone's, or with a console's socket in the same process.
        forceNew: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 2000,
        autoConnect: false,
      });
      this.socket.on('connect', () => void this.onConnected());
      this.socket.on('call:changed', ({ call }: { call: Call }) => this.onCallChanged(call));
      // Acknowledged once applied, as the iOS app does: the server then sends no cancel push,
      // which would make the app report a second, ended call.
      this.socket.on('call:cancelled', ({ callId, reason }, ack) => {
        this.book.cancel(callId, reason, 'socket cancel');
        if (ack) {
          this.acknowledgedCancels.add(callId);
          ack();
        }
      });
      this.socket.on('video:changed', (video) => this.video.changed(video));
      this.socket.on('video:marker', (marker) => this.video.marker(marker));
      this.socket.on('directory:changed', ({ version }) => void this.fetchDirectory(version));
      this.socket.on('connect_error', (err) => this.emit('error', err));
      this.socket.on('rtc:signal', ({ callId, signal }) =>
        this.media.for(callId)?.input({ type: 'signal', signal }),
      );
    }
    if (this.socket.connected) return;
    const ready = new Promise<void>((resolve) => this.once('synced', resolve));
    this.socket.connect();
    await ready;
  }

  /** The app goes to the background with no network: no socket, pushes stored by APNs. */
  async goOffline(): Promise<void> {
    this.socket?.disconnect();
    await this.o.network.setOnline(this.voipToken, false);
  }

  /** Back online: APNs delivers what it kept (unless expired), the app reconnects and syncs. */
  async goOnline(): Promise<void> {
    await this.o.network.setOnline(this.voipToken, true);
    await this.connect();
  }

  /** The network drops under the socket (not a sign-out): it reconnects and syncs by itself. */
  dropConnection(): void {
    if (!this.socket?.connected) return;
    this.injected.drops += 1;
    this.socket.io.engine?.close();
  }

  /** PushKit handed out a new token: register it with APNs and tell the server. */
  async rotateToken(): Promise<void> {
    this.unsubscribe?.();
    this.voipToken = randomBytes(32).toString('hex');
    await this.o.network.register(this.voipToken, this.bundleId, this.environment);
    this.unsubscribe = await this.o.network.subscribe(this.voipToken, (payload) => this.onPush(payload));
    if (this.connected) await this.sendToken();
  }

  /** The person changed the microphone permission in Settings; the app reports it, as the iOS app does. */
  async setMicrophone(permission: MicrophonePermission): Promise<void> {
    this.microphone = permission;
    if (this.connected) await this.sendPermissions();
  }

  /** The app's Unpair: the server forgets this phone and closes its socket; then the app stops. */
  async unpair(): Promise<Ack<{ deviceId: string }>> {
    const ack = await this.request('device:unpair', {});
    if (ack.ok) {
      this.credentials = null;
      await this.close();
    }
    return ack;
  }

  /**
   * The caller-ID directory changed: fetched as the iOS app does (its secret as a bearer token),
   * then `directory` (announced version, fetched version or null).
   */
  private async fetchDirectory(announced: number): Promise<void> {
    if (!this.credentials) return;
    const { deviceId, deviceSecret } = this.credentials;
    const res = await httpRequest(this.o.server, 'GET /api/devices/:deviceId/directory', {
      params: { deviceId },
      token: deviceSecret,
    });
    this.emit('directory', announced, res.ok ? res.data.version : null);
  }

  // MARK: - Calls the person makes

  /** Calls the console, like CXStartCallAction: the call id is the phone's own UUID. */
  async placeCall(video = false): Promise<Call> {
    await this.connect();
    const id = randomUUID();
    this.book.place(id);
    const ack = await this.request('call:start', { video, callId: id });
    if (!ack.ok) {
      this.endLocal(id, 'failed', `start refused: ${ack.error.code}`);
      throw new Error(`call:start failed: ${ack.error.code} ${ack.error.message}`);
    }
    if (ack.data.state === 'ended') this.endLocal(id, ack.data.endReason ?? 'failed', 'server ended it');
    return ack.data;
  }

  async answer(callId: string): Promise<Ack<Call>> {
    const faults = this.o.faults;
    if (faults && faults.random() < faults.reorderReports) {
      // The `connected` below, with the sequence number it will have, overtakes `answered`.
      this.injected.reordered += 1;
      const seq = this.reports.nextSeq(callId) + 1;
      void this.request('call:report', { callId, event: 'connected', at: this.clock.now(), seq });
    }
    const ack = await this.report(callId, 'answered');
    // Another phone of the same person answered first: a ring-all race lost.
    if (!ack.ok && ack.error.code === ERROR_CODES.ANSWERED_ELSEWHERE) this.emit('answerLost', callId);
    if (ack.ok) {
      this.setState(callId, 'answered');
      this.media.for(callId)?.input({ type: 'answered' });
      const connected = await this.report(callId, 'connected');
      if (connected.ok) {
        this.setState(callId, 'connected');
        this.schedule(this.behaviour.hangupAfterMs, () => void this.hangup(callId));
      }
    }
    return ack;
  }

  async decline(callId: string): Promise<Ack<Call>> {
    this.endLocal(callId, 'declined', 'declined');
    return this.report(callId, 'ended', 'declined');
  }

  async hangup(callId: string): Promise<Ack<Call>> {
    // Bye first: the server relays it only while the call is live.
    this.media.get(callId)?.input({ type: 'hangup' });
    // Safe to repeat: a hang-up of a call that is already over is a no-op on the server.
    this.endLocal(callId, 'completed', 'hung up');
    return this.report(callId, 'ended');
  }

  /** Sends `call:report` with the next sequence number; resolves with the ack, retried as needed. */
  report(callId: string, event: DeviceReportEvent, reason?: EndReason): Promise<Ack<Call>> {
    return this.reports.report(callId, event, reason);
  }

  /** The person mutes the phone's microphone (CallKit's mute): silence goes out, and it is reported. */
  mute(callId: string, on: boolean): Promise<Ack<Call>> {
    this.media.get(callId)?.setMuted(on);
    return this.report(callId, on ? 'muted' : 'unmuted');
  }

  /** The person puts the call on hold on the phone; the media follows the call's state. */
  hold(callId: string, on: boolean): Promise<Ack<Call>> {
    return this.report(callId, on ? 'held' : 'resumed');
  }

  /** Staff start, pause, resume, stop or switch the camera themselves (`video:report`). */
  reportVideo(callId: string, event: VideoReportEvent, camera?: Camera): Promise<Ack<VideoState>> {
    return this.request('video:report', { callId, event, ...(camera ? { camera } : {}) });
  }

  /** Media mode: what this call's peer has heard and how it is connected (null without media). */
  mediaStats(callId: string): Promise<MediaStats> | null {
    return this.media.stats(callId);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.media.endAll();
    if (this.flaky) clearInterval(this.flaky);
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.unsubscribe?.();
    this.socket?.close();
    this.reports.close();
  }

  // MARK: - Pushes

  /** PushKit's didReceiveIncomingPush: a call that rings is answered (or not) as the person would. */
  private onPush(raw: unknown): void {
    const ringing = this.book.push(raw, this.clock.now());
    if (ringing) void this.answerRinging(ringing);
  }

  /** Reports the call as ringing, then does what the person would. Wakes the app if needed. */
  private async answerRinging(callId: string): Promise<void> {
    // Queued at once, as the iOS app reports to CallKit before anything else: an answer given
    // while the socket is still down then follows it, instead of overtaking it (the server
    // would drop the ring that came second).
    const reported = this.report(callId, 'reported');
    await this.connect();
    const ack = await reported;
    if (!ack.ok || this.calls.get(callId)?.state !== 'ringing') return;
    const { declineAfterMs, answerAfterMs } = this.behaviour;
    if (declineAfterMs !== null) {
      this.schedule(declineAfterMs, () => {
        if (this.calls.get(callId)?.state === 'ringing') void this.decline(callId);
      });
    } else if (answerAfterMs !== null) {
      this.schedule(answerAfterMs, () => {
        if (this.calls.get(callId)?.state === 'ringing') void this.answer(callId);
      });
    }
  }

  // MARK: - Socket events

  private async onConnected(): Promise<void> {
    await this.sendToken();
    await this.sendPermissions();
    // After every wake or reconnect, ask which of our calls still go on and end the rest.
    const live = [...this.calls.values()].filter((c) => c.state !== 'ended').map((c) => c.id);
    const ack = await this.request('call:sync', { callIds: live });
    if (ack.ok) {
      for (const over of ack.data.ended) this.endLocal(over.callId, over.endReason ?? 'failed', 'sync: over');
      for (const call of ack.data.live) this.onCallChanged(call);
    }
    void this.reports.flush();
    this.emit('synced');
  }

  /** A connected phone also hears of calls by socket; the first of push or socket rings. */
  private onCallChanged(call: Call): void {
    const mine = call.devices.find((l) => l.deviceId === this.credentials?.deviceId);
    if (call.state === 'ended' || mine?.state === 'ended') {
      this.endLocal(call.id, mine?.endReason ?? call.endReason ?? 'failed', 'server says ended');
      return;
    }
    this.followHold(call);
    // This phone's own call, accepted by an agent: the console's offer follows.
    if (call.direction === 'inbound' && call.agentId !== null && this.calls.has(call.id)) {
      const media = this.media.for(call.id);
      if (media) media.input({ type: 'answered' });
      else void this.connectPlaced(call.id);
    }
    if (call.direction === 'outbound' && !this.calls.has(call.id) && mine?.state === 'pending') {
      this.book.ring(call.id, 'socket', call.handle);
      void this.answerRinging(call.id);
    }
  }

  /**
   * The server put the call on hold or took it off (the agent, or a warm transfer while the two
   * agents consult): the media follows, and the call shows it, as CallKit would on the iPhone.
   */
  private followHold(call: Call): void {
    this.media.get(call.id)?.setHeld(call.held);
    const local = this.calls.get(call.id);
    const answered = call.state === 'connecting' || call.state === 'active';
    if (!local || local.state === 'ended' || !answered || local.held === call.held) return;
    local.held = call.held;
    local.history.push(call.held ? 'held' : 'resumed');
    this.emit(call.held ? 'held' : 'resumed', call.id);
  }

  /**
   * This phone's own call is connected once an agent accepted it: with media, when ICE connects
   * (as the iOS app reports it); without, at once, as an answer does in `answer`.
   */
  private async connectPlaced(callId: string): Promise<void> {
    const local = this.calls.get(callId);
    if (local?.direction !== 'outgoing' || local.state !== 'ringing') return;
    this.setState(callId, 'answered');
    const ack = await this.report(callId, 'connected');
    if (ack.ok) this.setState(callId, 'connected');
  }

  // MARK: - Internals

  private setState(id: string, state: LocalCall['state']): void {
    this.book.setState(id, state);
  }

  private endLocal(id: string, reason: EndReason, why: string): void {
    this.book.end(id, reason, why);
  }

  private schedule(ms: number | null, fn: () => void): void {
    if (ms === null) return;
    if (ms <= 0) {
      setImmediate(fn);
      return;
    }
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  private async sendToken(): Promise<void> {
    const ack = await this.request('device:update', {
      voipToken: this.voipToken,
      apnsEnvironment: this.environment,
      appVersion: '1.0.0 (virtual)',
      osVersion: '18.0',
    });
    if (!ack.ok) this.emit('error', new Error(`device:update refused: ${ack.error.message}`));
  }

  private async sendPermissions(): Promise<void> {
    const ack = await this.request('permissions:report', { microphone: this.microphone });
    if (!ack.ok) this.emit('error', new Error(`permissions:report refused: ${ack.error.message}`));
  }

  /** A request with an ack timeout: a lost ack becomes UNAVAILABLE instead of waiting forever. */
  private async request<E extends keyof DeviceClientEvents & string>(
    event: E,
    payload: RequestPayload<DeviceClientEvents, E>,
  ): Promise<RequestAck<DeviceClientEvents, E>> {
    const socket = this.socket;
    if (!socket?.connected) return unavailable('not connected');
    return request(socket, event, payload, { timeoutMs: this.o.ackTimeoutMs ?? 3000 });
  }

  private get bundleId(): string {
    return this.o.bundleId ?? 'com.example.switchboard';
  }

  private get environment(): 'sandbox' | 'production' {
    return this.o.environment ?? 'sandbox';
  }
}

const unavailable = (message: string): Ack<never> => ({
  ok: false,
  error: { code: ERROR_CODES.UNAVAILABLE, message },
});
