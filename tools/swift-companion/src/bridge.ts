import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { deviceBroadcasts } from '#shared';
import type { PushNetwork } from '../../virtual-companion/src/network';

/** A line the harness writes: what its CallKit, media, coordinator and pairing did. */
export type HarnessLine = { type: string } & Record<string, unknown>;

export interface HarnessProcess {
  /** The binary's path (inside `root` when given). */
  binary: string;
  /** The Swift toolchain chroot it runs in (its runtime lives there); empty or absent: run it here. */
  root?: string;
}

/** Where `npm run test:companion` (scripts/swift-test.sh --companion) says the harness is. */
export function harnessFromEnv(): HarnessProcess | null {
  const binary = process.env.SWITCHBOARD_COMPANION_HARNESS;
  if (!binary) return null;
  return { binary, root: process.env.SWITCHBOARD_COMPANION_ROOT || undefined };
}

/** Every server → device broadcast of the contract: the bridge passes them all, deciding nothing. */
const BROADCASTS = Object.keys(deviceBroadcasts) as (keyof typeof deviceBroadcasts)[];

/**
 * The Swift CompanionHarness's transport: its `/device` socket (a real socket.io-client), its HTTP
 * (fetch) and its pushes (an APNs emulator subscription), carried as JSON lines over stdio. It
 * decides nothing: each line is turned into the call the Swift Socket.IO client, URLSession or
 * PushKit would make, and each thing they would hand back is written to the harness unchanged.
 * Every other line the harness writes is emitted as `line` (and by its type) for the scenario.
 */
export class HarnessBridge extends EventEmitter {
  readonly lines: HarnessLine[] = [];
  private readonly child: ChildProcess;
  private socket: Socket | null = null;
  private readonly acks = new Map<number, () => void>();
  private nextAck = 0;
  private unsubscribe: (() => void) | null = null;
  private exited = false;

  constructor(
    harness: HarnessProcess,
    private readonly server: string,
    private readonly network: PushNetwork,
    private readonly log?: (line: string) => void,
  ) {
    super();
    const env = ['HOME=/root', 'LANG=C.UTF-8', 'PATH=/usr/local/bin:/usr/bin:/bin'];
    this.child = harness.root
      ? spawn('chroot', [harness.root, '/usr/bin/env', '-i', ...env, harness.binary], {
          stdio: ['pipe', 'pipe', 'inherit'],
        })
      : spawn(harness.binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.on('exit', () => {
      this.exited = true;
      this.emit('exit');
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => this.received(text));
  }

  /** Writes a line to the harness (a command, or what its transport answered). */
  send(line: HarnessLine): void {
    if (this.exited) return;
    this.child.stdin!.write(`${JSON.stringify(line)}\n`);
  }

  /** Resolves with the next line of `type` for which `match` holds (lines already written count). */
  next(type: string, match: (line: HarnessLine) => boolean = () => true, from = 0): Promise<HarnessLine> {
    const seen = this.lines.slice(from).find((l) => l.type === type && match(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (line: HarnessLine) => {
        if (line.type !== type || !match(line)) return;
        this.off('line', listener);
        resolve(line);
      };
      this.on('line', listener);
    });
  }

  /** PushKit's token: registered with APNs, and what APNs delivers to it handed to the harness. */
  async token(hex: string, bundleId: string): Promise<void> {
    this.unsubscribe?.();
    await this.network.register(hex, bundleId, 'sandbox');
    this.unsubscribe = await this.network.subscribe(hex, (payload) => this.send({ type: 'push', payload }));
    this.send({ type: 'token', hex });
  }

  /**
   * Resolves once everything the harness wrote before now has been carried and reached the
   * server: a status round trip through the harness (its lines are in order), then a request on
   * the same socket (the server reads its packets in order, acks included).
   */
  async probe(): Promise<void> {
    const from = this.lines.length;
    this.send({ type: 'status' });
    await this.next('status', () => true, from);
    const socket = this.socket;
    // A socket that dropped meanwhile carries nothing more: there is nothing to wait for.
    if (socket?.connected)
      await socket
        .timeout(5_000)
        .emitWithAck('call:sync', { callIds: [] })
        .catch(() => null);
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.socket?.disconnect();
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }

  private received(text: string): void {
    let line: HarnessLine;
    try {
      line = JSON.parse(text) as HarnessLine;
    } catch {
      this.log?.(`harness: ${text}`);
      return;
    }
    switch (line.type) {
      case 'connect':
        this.connect(line.auth as Record<string, unknown>);
        return;
      case 'disconnect':
        this.socket?.disconnect();
        return;
      case 'reconnect':
        if (this.socket?.connected) this.socket.io.engine?.close();
        else this.socket?.connect();
        return;
      case 'emit':
        this.emitRequest(line);
        return;
      case 'broadcastAck':
        this.acks.get(line.ackId as number)?.();
        this.acks.delete(line.ackId as number);
        return;
      case 'http':
        return void this.http(line);
      case 'log':
        this.log?.(`swift: ${line.message as string}`);
        return;
    }
    this.log?.(`harness: ${text}`);
    this.lines.push(line);
    this.emit('line', line);
    this.emit(line.type, line);
  }

  /** `SocketManager(socketURL:config:)` with the app's options: websocket only, reconnecting. */
  private connect(auth: Record<string, unknown>): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    const socket = io(new URL('/device', this.server).toString(), {
      auth,
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    });
    socket.on('connect', () => this.send({ type: 'connected' }));
    socket.on('disconnect', () => this.send({ type: 'disconnected' }));
    socket.on('connect_error', (err: Error & { data?: unknown }) =>
      this.send({ type: 'refused', error: { message: err.message, data: err.data ?? null } }),
    );
    for (const event of BROADCASTS) {
      socket.on(event, (payload: unknown, ack?: () => void) => {
        const line: HarnessLine = { type: 'broadcast', event, payload };
        if (typeof ack === 'function') {
          this.nextAck += 1;
          this.acks.set(this.nextAck, ack);
          line.ackId = this.nextAck;
        }
        this.send(line);
      });
    }
    this.socket = socket;
  }

  /** `emitWithAck(...).timingOut(after:)`: the ack's items, or "NO ACK" when none came in time. */
  private emitRequest(line: HarnessLine): void {
    const { id, event, payload, timeoutMs } = line as unknown as {
      id: number;
      event: string;
      payload: unknown;
      timeoutMs: number;
    };
    if (!this.socket?.connected) {
      this.send({ type: 'ack', id, items: ['NO ACK'] });
      return;
    }
    this.emit('request', event, payload);
    this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, response: unknown) => {
      this.send({ type: 'ack', id, items: err ? ['NO ACK'] : [response] });
    });
  }

  /** URLSession: the status and the body's JSON (null when it is not JSON). */
  private async http(line: HarnessLine): Promise<void> {
    const { id, method, url, body, bearer } = line as unknown as {
      id: number;
      method: string;
      url: string;
      body?: unknown;
      bearer?: string;
    };
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // Not JSON: the harness decodes null, as the app's decoder fails on such a body.
      }
      this.send({ type: 'httpResponse', id, status: res.status, body: json });
    } catch (err) {
      this.send({ type: 'httpResponse', id, status: 0, body: null });
      this.log?.(`http ${method} ${url} failed: ${(err as Error).message}`);
    }
  }
}
