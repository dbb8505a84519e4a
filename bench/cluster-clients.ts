/**
 * The scripted consoles and phones of bench/cluster.ts: bare Socket.IO clients (WebSocket only,
 * straight to a node's port) that do only what a measurement needs, so the benchmark's own share
 * of the two cores stays small.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import {
  type AgentClientEvents,
  type AgentServerEvents,
  agentAuth,
  type Call,
  DEVICE_FEATURES,
  type DeviceClientEvents,
  type DeviceReportEvent,
  type DeviceServerEvents,
  deviceAuth,
  request,
} from '#shared';
import { first } from './seed';

/** Long enough for any loaded node; a wait that ends this way is counted as lost, not hidden. */
const WAIT_MS = 10_000;

/**
 * Things seen per call (a state, a report done) that can be waited for, including those seen
 * before anyone waited: a broadcast can overtake the ack of the request that caused it.
 */
class Sightings {
  private readonly seen = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, () => void>();

  mark(callId: string, what: string): void {
    const set = this.seen.get(callId) ?? new Set<string>();
    this.seen.set(callId, set.add(what));
    this.waiters.get(`${callId}/${what}`)?.();
  }

  /** True once `what` is seen for the call; false after WAIT_MS without it. */
  wait(callId: string, what: string): Promise<boolean> {
    if (this.seen.get(callId)?.has(what)) return Promise.resolve(true);
    const key = `${callId}/${what}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), WAIT_MS);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(ok);
      };
      this.waiters.set(key, () => settle(true));
    });
  }

  forget(callId: string): void {
    this.seen.delete(callId);
  }
}

/** Resolves once connected and, if `until` is given, once that event has also arrived. */
function connect<S extends Socket>(url: string, auth: object, until?: string): Promise<S> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true }) as S;
  // Listening from the start: the server sends e.g. `roster:snapshot` in the same breath as the
  // handshake, and a listener added after `connect` would miss it.
  const arrived = until ? first(socket, until) : Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => void arrived.then(() => resolve(socket)));
    socket.once('connect_error', (e) => reject(new Error(`${url}: ${e.message}`)));
  });
}

/** A console: places and hangs up calls, and notes each state its calls reach. */
export class BenchAgent {
  readonly states = new Sightings();

  private constructor(private readonly socket: Socket<AgentServerEvents, AgentClientEvents>) {
    socket.on('call:changed', ({ call }) => this.states.mark(call.id, call.state));
  }

  /**
   * Announces `callAcks`, as the console does: its place's and hang-up's acks are those changes
   * (a server of an older revision ignores it, and sends them as `call:changed` too).
   */
  static async connect(nodeUrl: string, token: string): Promise<BenchAgent> {
    const socket = await connect<Socket<AgentServerEvents, AgentClientEvents>>(
      `${nodeUrl}/agent`,
      agentAuth(token, ['callAcks']),
      'roster:snapshot',
    );
    return new BenchAgent(socket);
  }

  async place(staffId: string): Promise<Call> {
    const ack = await request(this.socket, 'call:place', { staffId, video: false });
    if (!ack.ok) throw new BenchError(`call:place: ${ack.error.code} ${ack.error.message}`);
    this.states.mark(ack.data.id, ack.data.state);
    return ack.data;
  }

  async hangup(callId: string): Promise<void> {
    const ack = await request(this.socket, 'call:hangup', { callId });
    this.states.forget(callId);
    if (!ack.ok) throw new BenchError(`call:hangup: ${ack.error.code} ${ack.error.message}`);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * A phone: reports `reported` for every new call it hears of (as the iOS app does once CallKit
 * shows it) and, when `answering`, then `answered` and `connected`, as fast as the acks come back.
 */
export class BenchPhone {
  answering = false;
  /** When the phone first heard of each call (performance.now()). */
  readonly heard = new Map<string, number>();
  /** `connected` once the phone's `connected` report was acknowledged. */
  readonly reports = new Sightings();
  readonly errors: string[] = [];

  private constructor(private readonly socket: Socket<DeviceServerEvents, DeviceClientEvents>) {
    // Acknowledged as the iOS app and the virtual companion do: the server then sends no cancel
    // push after the hang-up (one without an answer within the grace is pushed, an APNs request
    // and its answer written on the call: a phone whose app is not running).
    socket.on('call:cancelled', (_cancel, ack) => ack?.());
    socket.on('call:changed', ({ call }) => {
      if (this.heard.has(call.id) || (call.state !== 'dialing' && call.state !== 'ringing')) return;
      this.heard.set(call.id, performance.now());
      void this.take(call.id);
    });
  }

  /**
   * Connected, with a VoIP token registered, so that the node also pushes each call to APNs. It
   * announces every feature, as the iOS app does (`reportAcks`: its reports' acks are the changes);
   * a server of an older revision (bench/revisions.ts) refuses one it does not know, and the phone
   * connects again without them.
   */
  static async connect(nodeUrl: string, deviceId: string, secret: string): Promise<BenchPhone> {
    const url = `${nodeUrl}/device`;
    type DeviceSocket = Socket<DeviceServerEvents, DeviceClientEvents>;
    const socket = await connect<DeviceSocket>(url, deviceAuth(deviceId, secret, [...DEVICE_FEATURES])).catch(
      () => connect<DeviceSocket>(url, deviceAuth(deviceId, secret)),
    );
    const ack = await request(socket, 'device:update', {
      voipToken: randomBytes(32).toString('hex'),
      apnsEnvironment: 'sandbox',
      appVersion: '1.0.0',
      osVersion: '18.0',
    });
    if (!ack.ok) throw new BenchError(`device:update: ${ack.error.code} ${ack.error.message}`);
    return new BenchPhone(socket);
  }

  private async take(callId: string): Promise<void> {
    const events: DeviceReportEvent[] = this.answering ? ['reported', 'answered', 'connected'] : ['reported'];
    for (const [i, event] of events.entries()) {
      const ack = await request(this.socket, 'call:report', { callId, event, at: Date.now(), seq: i + 1 });
      if (!ack.ok) {
        this.errors.push(`call:report ${event}: ${ack.error.code} ${ack.error.message}`);
        return;
      }
    }
    this.reports.mark(callId, events.at(-1)!);
  }

  close(): void {
    this.socket.close();
  }
}

export class BenchError extends Error {}
