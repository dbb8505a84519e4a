import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io-client';
import type { Clock, EndReason, VideoState } from '#shared';
import type { PushNetwork } from '../../virtual-companion/src/network';
import { VirtualPhone } from '../../virtual-companion/src/phone';
import { HarnessBridge, type HarnessLine, type HarnessProcess } from './bridge';

const BUNDLE_ID = 'com.example.switchboard';

/** What the person does when the phone rings (delays from the moment it rings). */
export interface Person {
  answerAfterMs?: number;
  declineAfterMs?: number;
  /** Swift only: CallKit completes the report this long after it was made. */
  reportDelayMs?: number;
  /** What the person does when the agent asks for the camera (issue 27); absent: nothing. */
  video?: 'accept' | 'decline';
}

/**
 * One phone in a scenario, Swift or TypeScript: the person's taps, and what the phone shows.
 * `ended` resolves with the reason the phone's own record of the call gives.
 */
export interface ScenarioPhone {
  readonly kind: 'swift' | 'virtual';
  readonly deviceId: string;
  readonly voipToken: string;
  pair(code: string): Promise<void>;
  person(p: Person): void;
  rings(callId?: string): Promise<string>;
  answer(callId: string): void;
  decline(callId: string): void;
  hangup(callId: string): void;
  /** The phone calls the console; resolves with the call's id. */
  placeCall(): Promise<string>;
  ended(callId: string): Promise<EndReason | null>;
  unpair(): Promise<boolean>;
  rotateToken(): Promise<void>;
  /** The reports the phone sent for a call, in order, once each (`event` or `event:reason`). */
  sent(callId: string): string[];
  /** The `video:report`s the phone sent for a call, in order (`event` or `event:camera`). */
  sentVideo(callId: string): string[];
  /** Resolves once what the phone sent so far (acks of broadcasts included) reached the server. */
  probe(): Promise<void>;
  /** Resolves with the directory version the phone fetched after it was told of `version`. */
  directory(version: number): Promise<number | null>;
  close(): Promise<void>;
}

export interface PhoneSetup {
  /** The server as the phone reaches it (through the scenario's cuttable link). */
  server: string;
  network: PushNetwork;
  clock: Clock;
  log?: (line: string) => void;
}

/** `call:report`s as they go out on the wire, once per sequence number (a retry is not new). */
class SentReports {
  private readonly byCall = new Map<string, Map<number, string>>();
  private readonly video = new Map<string, string[]>();

  record(event: string, payload: unknown): void {
    if (event === 'video:report') {
      const { callId, event: what, camera } = payload as { callId: string; event: string; camera?: string };
      this.video.set(callId, [...(this.video.get(callId) ?? []), camera ? `${what}:${camera}` : what]);
    }
    if (event !== 'call:report') return;
    const r = payload as { callId: string; event: string; reason?: string | null; seq: number };
    const sent = this.byCall.get(r.callId) ?? new Map<number, string>();
    this.byCall.set(r.callId, sent);
    if (!sent.has(r.seq)) sent.set(r.seq, r.reason ? `${r.event}:${r.reason}` : r.event);
  }

  videoOf(callId: string): string[] {
    return this.video.get(callId) ?? [];
  }

  of(callId: string): string[] {
    return [...(this.byCall.get(callId)?.values() ?? [])];
  }
}

/** The real CallCoordinator in the Swift harness. */
export class SwiftPhone implements ScenarioPhone {
  readonly kind = 'swift';
  deviceId = '';
  voipToken = '';
  readonly bridge: HarnessBridge;

  constructor(
    harness: HarnessProcess,
    private readonly setup: PhoneSetup,
  ) {
    this.bridge = new HarnessBridge(harness, setup.server, setup.network, setup.log);
    this.bridge.on('request', (event: string, payload: unknown) => this.reports.record(event, payload));
  }

  private readonly reports = new SentReports();

  sent(callId: string): string[] {
    return this.reports.of(callId);
  }

  sentVideo(callId: string): string[] {
    return this.reports.videoOf(callId);
  }

  async pair(code: string): Promise<void> {
    await this.bridge.next('ready');
    const link = `switchboard://pair?server=${encodeURIComponent(this.setup.server)}&code=${code}`;
    this.bridge.send({ type: 'pair', link, name: 'Swift iPhone' });
    const paired = await Promise.race([this.bridge.next('paired'), this.bridge.next('pairFailed')]);
    if (paired.type !== 'paired') throw new Error(`pairing failed: ${paired.message as string}`);
    this.deviceId = paired.deviceId as string;
    this.bridge.send({ type: 'foreground' });
    await this.rotateToken();
  }

  person(p: Person): void {
    this.bridge.send({
      type: 'behaviour',
      reportDelayMs: p.reportDelayMs ?? 0,
      answerAfterMs: p.answerAfterMs,
      declineAfterMs: p.declineAfterMs,
      video: p.video,
    });
  }

  async rings(callId?: string): Promise<string> {
    const reported = await this.bridge.next(
      'callkit',
      (l) => l.event === 'reported' && !l.duplicate && (!callId || l.uuid === callId),
    );
    return reported.uuid as string;
  }

  answer(callId: string): void {
    this.bridge.send({ type: 'answer', callId });
  }

  decline(callId: string): void {
    this.bridge.send({ type: 'decline', callId });
  }

  hangup(callId: string): void {
    this.bridge.send({ type: 'hangup', callId });
  }

  async placeCall(): Promise<string> {
    const from = this.bridge.lines.length;
    this.bridge.send({ type: 'startCall' });
    const started = await this.bridge.next(
      'callkit',
      (l) => l.event === 'fulfilled' && l.action === 'start',
      from,
    );
    return started.uuid as string;
  }

  async ended(callId: string): Promise<EndReason | null> {
    const recent = await this.bridge.next('recent', (l: HarnessLine) => l.callId === callId);
    return recent.endReason as EndReason | null;
  }

  async unpair(): Promise<boolean> {
    const from = this.bridge.lines.length;
    this.bridge.send({ type: 'unpair' });
    const done = await this.bridge.next('unpaired', () => true, from);
    return done.outcome === 'unpaired';
  }

  /** PushKit hands out a new token: APNs knows it, then the coordinator (which tells the server). */
  async rotateToken(): Promise<void> {
    const hex = randomBytes(32).toString('hex');
    this.voipToken = hex;
    const from = this.bridge.lines.length;
    await this.bridge.token(hex, BUNDLE_ID);
    await this.bridge.next('status', (l) => l.tokenAcknowledged === true && l.voipToken === hex, from);
  }

  probe(): Promise<void> {
    return this.bridge.probe();
  }

  async directory(version: number): Promise<number | null> {
    const line = await this.bridge.next('directory', (l) => l.announced === version);
    return line.fetched as number | null;
  }

  close(): Promise<void> {
    return this.bridge.close();
  }
}

/** The TypeScript virtual phone (tools/virtual-companion), the server tests' phone. */
export class TsPhone implements ScenarioPhone {
  readonly kind = 'virtual';
  readonly phone: VirtualPhone;
  private readonly directories = new EventEmitter();
  private readonly fetched = new Map<number, number | null>();
  private videoAnswer: Person['video'];
  private readonly videoAnswered = new Set<string>();

  constructor(setup: PhoneSetup) {
    this.phone = new VirtualPhone({
      server: setup.server,
      network: setup.network,
      clock: setup.clock,
      name: 'Virtual iPhone',
      log: setup.log,
      // It says it can send video, as the Swift app does; its person answers below.
      video: 'ignore',
    });
    this.phone.on('video', (video: VideoState) => {
      if (video.state !== 'requested' || !this.videoAnswer || this.videoAnswered.has(video.callId)) return;
      this.videoAnswered.add(video.callId);
      const answer =
        this.videoAnswer === 'accept'
          ? this.phone.reportVideo(video.callId, 'accepted', 'back')
          : this.phone.reportVideo(video.callId, 'declined');
      void answer;
    });
    this.phone.on('error', (err: Error) => setup.log?.(`virtual: ${err.message}`));
    this.phone.on('directory', (announced: number, version: number | null) => {
      this.fetched.set(announced, version);
      this.directories.emit('fetched', announced);
    });
  }

  get deviceId(): string {
    return this.phone.credentials?.deviceId ?? '';
  }

  get voipToken(): string {
    return this.phone.voipToken;
  }

  async pair(code: string): Promise<void> {
    await this.phone.pair(code);
    await this.phone.start();
    // The same Socket.IO socket lives through reconnects: what it sends is what the phone sent.
    const socket = (this.phone as unknown as { socket: Socket }).socket;
    socket.onAnyOutgoing((event: string, payload: unknown) => this.reports.record(event, payload));
  }

  private readonly reports = new SentReports();

  sent(callId: string): string[] {
    return this.reports.of(callId);
  }

  sentVideo(callId: string): string[] {
    return this.reports.videoOf(callId);
  }

  person(p: Person): void {
    this.phone.behaviour = {
      ...this.phone.behaviour,
      answerAfterMs: p.answerAfterMs ?? null,
      declineAfterMs: p.declineAfterMs ?? null,
    };
    this.videoAnswer = p.video;
  }

  rings(callId?: string): Promise<string> {
    const known = callId && this.phone.calls.get(callId);
    if (known) return Promise.resolve(known.id);
    return new Promise((resolve) => {
      const onRinging = (id: string) => {
        if (callId && id !== callId) return;
        this.phone.off('ringing', onRinging);
        resolve(id);
      };
      this.phone.on('ringing', onRinging);
    });
  }

  answer(callId: string): void {
    void this.phone.answer(callId);
  }

  decline(callId: string): void {
    void this.phone.decline(callId);
  }

  hangup(callId: string): void {
    void this.phone.hangup(callId);
  }

  async placeCall(): Promise<string> {
    return (await this.phone.placeCall()).id;
  }

  ended(callId: string): Promise<EndReason | null> {
    const call = this.phone.calls.get(callId);
    if (call?.state === 'ended') return Promise.resolve(call.endReason);
    return new Promise((resolve) => {
      const onEnded = (id: string, reason: EndReason) => {
        if (id !== callId) return;
        this.phone.off('ended', onEnded);
        resolve(reason);
      };
      this.phone.on('ended', onEnded);
    });
  }

  async unpair(): Promise<boolean> {
    return (await this.phone.unpair()).ok;
  }

  rotateToken(): Promise<void> {
    return this.phone.rotateToken();
  }

  /** A request on the phone's own socket: the server reads its packets in order, acks included. */
  async probe(): Promise<void> {
    const phone = this.phone as unknown as { request(event: string, payload: unknown): Promise<unknown> };
    if (this.phone.connected) await phone.request('call:sync', { callIds: [] });
  }

  directory(version: number): Promise<number | null> {
    if (this.fetched.has(version)) return Promise.resolve(this.fetched.get(version)!);
    return new Promise((resolve) => {
      const onFetched = (announced: number) => {
        if (announced !== version) return;
        this.directories.off('fetched', onFetched);
        resolve(this.fetched.get(version)!);
      };
      this.directories.on('fetched', onFetched);
    });
  }

  close(): Promise<void> {
    return this.phone.close();
  }
}
