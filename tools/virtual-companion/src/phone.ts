import { randomBytes } from 'node:crypto';
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
  type VideoReportEvent,
  type VideoState,
} from '#shared';
import type { MediaStats } from './media';
import { CallBook } from './phone-calls';
import { CallFlow } from './phone-flow';
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
  private readonly flow: CallFlow;
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
      // The ack carries the call as the report left it: the phone takes it as the change, as the
      // iOS app does (`reportAcks`), and the server sends this socket no `call:changed` for it.
      send: async (report) => {
        const ack = await this.request('call:report', report);
        if (ack.ok) this.flow.changed(ack.data);
        return ack;
      },
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
      connected: (callId) => void this.flow.connectPlaced(callId),
      log: o.log && ((callId, line) => o.log?.(`${this.name} ${callId.slice(0, 8)}: ${line}`)),
    });
    this.flow = new CallFlow({
      book: this.book,
      reports: this.reports,
      media: this.media,
      clock: this.clock,
      behaviour: () => this.behaviour,
      faults: o.faults,
      injected: this.injected,
      deviceId: () => this.credentials?.deviceId,
      connect: () => this.connect(),
      request: (event, payload) => this.request(event, payload),
      emit: this.emit.bind(this),
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
        auth: deviceAuth(deviceId, deviceSecret, this.o.video ? ['video', 'reportAcks'] : ['reportAcks']),
        transports: ['websocket'],
        // Each phone is its own device with its own connection: never multiplexed with another
        // phone's, or with a console's socket in the same process.
        forceNew: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 2000,
        autoConnect: false,
      });
      this.socket.on('connect', () => void this.onConnected());
      this.socket.on('call:changed', ({ call }: { call: Call }) => this.flow.changed(call));
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
  placeCall(video = false): Promise<Call> {
    return this.flow.place(video);
  }

  answer(callId: string): Promise<Ack<Call>> {
    return this.flow.answer(callId);
  }

  decline(callId: string): Promise<Ack<Call>> {
    return this.flow.decline(callId);
  }

  hangup(callId: string): Promise<Ack<Call>> {
    return this.flow.hangup(callId);
  }

  /** Sends `call:report` with the next sequence number; resolves with the ack, retried as needed. */
  report(callId: string, event: DeviceReportEvent, reason?: EndReason): Promise<Ack<Call>> {
    return this.reports.report(callId, event, reason);
  }

  /** The person mutes the phone's microphone (CallKit's mute): silence goes out, and it is reported. */
  mute(callId: string, on: boolean): Promise<Ack<Call>> {
    return this.flow.mute(callId, on);
  }

  /** The person puts the call on hold on the phone; the media follows the call's state. */
  hold(callId: string, on: boolean): Promise<Ack<Call>> {
    return this.flow.hold(callId, on);
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
    this.flow.close();
    this.unsubscribe?.();
    this.socket?.close();
    this.reports.close();
  }

  // MARK: - Pushes

  /** PushKit's didReceiveIncomingPush: a call that rings is answered (or not) as the person would. */
  private onPush(raw: unknown): void {
    const ringing = this.book.push(raw, this.clock.now());
    if (ringing) void this.flow.ringing(ringing);
  }

  // MARK: - Socket events

  private async onConnected(): Promise<void> {
    await this.sendToken();
    await this.sendPermissions();
    // After every wake or reconnect, ask which of our calls still go on and end the rest.
    const live = [...this.calls.values()].filter((c) => c.state !== 'ended').map((c) => c.id);
    const ack = await this.request('call:sync', { callIds: live });
    if (ack.ok) {
      for (const over of ack.data.ended) this.book.end(over.callId, over.endReason ?? 'failed', 'sync: over');
      for (const call of ack.data.live) this.flow.changed(call);
    }
    void this.reports.flush();
    this.emit('synced');
  }

  // MARK: - Internals

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
