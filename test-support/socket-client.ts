import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { type Ack, type AckingSocket, agentAcks, deviceAcks, PROTOCOL_VERSION, request } from '#shared';

/** Every ack a test receives is checked against the contract's schema for that request. */
const ACK_SCHEMAS: Record<string, Record<string, z.ZodType>> = { '/agent': agentAcks, '/device': deviceAcks };

type Received = { event: string; payload: unknown };

/** Under vitest's 20 s test timeout, so a wait that never ends fails with its own message first. */
const WAIT_TIMEOUT_MS = 10_000;

/**
 * A real Socket.IO client with a log of everything it received, so a test can wait for a
 * broadcast that may already have arrived: waits look at the past first, then the future.
 */
export class TestClient {
  readonly received: Received[] = [];
  private waiters: { event: string; match: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];

  private readonly acks: Record<string, z.ZodType>;

  constructor(
    readonly socket: Socket,
    namespace = '',
  ) {
    this.acks = ACK_SCHEMAS[namespace] ?? {};
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      for (const w of [...this.waiters]) {
        if (w.event === event && w.match(payload)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(payload);
        }
      }
    });
  }

  /**
   * The handshake carries this suite's protocol version unless `auth` says otherwise. `tls`: the
   * certificate to trust, for a server on HTTPS with one of its own.
   */
  static async connect(
    url: string,
    auth: Record<string, unknown>,
    tls?: { ca: string },
  ): Promise<TestClient> {
    const socket = io(url, {
      auth: { protocol: PROTOCOL_VERSION, ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(tls ? { ca: tls.ca } : {}),
    });
    const client = new TestClient(socket, new URL(url).pathname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return client;
  }

  /** Connects expecting refusal; resolves with the server's reason. */
  static async refused(url: string, auth: Record<string, unknown>): Promise<string> {
    const socket = io(url, {
      auth: { protocol: PROTOCOL_VERSION, ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      return await new Promise<string>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected, but refusal was expected')));
        socket.once('connect_error', (err) => resolve(err.message));
      });
    } finally {
      socket.close();
    }
  }

  /** Through the one typed `request` every client uses; untyped here so tests can send anything. */
  async request<T = unknown>(event: string, payload?: unknown): Promise<Ack<T>> {
    const socket = this.socket as unknown as AckingSocket<
      Record<string, (p: unknown, ack: (a: Ack<T>) => void) => void>
    >;
    const ack = await request(socket, event, payload, { timeoutMs: 10_000 });
    const schema = this.acks[event];
    if (ack.ok && schema) {
      const checked = schema.safeParse(ack.data);
      if (!checked.success) throw new Error(`${event}: the ack breaks its schema: ${checked.error.message}`);
    }
    return ack;
  }

  /** Resolves the data of a successful ack, or throws with the error code. */
  async ok<T = unknown>(event: string, payload?: unknown): Promise<T> {
    const ack = await this.request<T>(event, payload);
    if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /**
   * Resolves with the first payload of `event` that `match` accepts, received already or later.
   * Rejects after `timeoutMs` (well inside a test's own timeout) naming the event and what did
   * arrive, so a missing broadcast fails as that, not as a bare test timeout.
   */
  waitFor<T = unknown>(
    event: string,
    match: (payload: T) => boolean = () => true,
    { timeoutMs = WAIT_TIMEOUT_MS }: { timeoutMs?: number } = {},
  ): Promise<T> {
    const seen = this.received.find((r) => r.event === event && match(r.payload as T));
    if (seen) return Promise.resolve(seen.payload as T);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        event,
        match: match as (p: unknown) => boolean,
        resolve: (p: unknown) => {
          clearTimeout(timer);
          resolve(p as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `waitFor('${event}') timed out after ${timeoutMs} ms: ${this.describeMiss(event, match)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** What arrived instead: how many `event`s none of which matched, and every other event by count. */
  private describeMiss(event: string, match: (payload: never) => boolean): string {
    const counts = new Map<string, number>();
    for (const r of this.received) counts.set(r.event, (counts.get(r.event) ?? 0) + 1);
    const same = counts.get(event) ?? 0;
    const condition = match.toString().replace(/\s+/g, ' ').slice(0, 160);
    const head = same ? `${same} '${event}' arrived, none matching ${condition}` : `no '${event}' arrived`;
    const others = [...counts].filter(([e]) => e !== event).map(([e, n]) => `${e} ×${n}`);
    return `${head}; received ${others.length ? others.join(', ') : 'nothing else'}`;
  }

  eventsNamed<T = unknown>(event: string): T[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as T);
  }

  /**
   * The states of the `call:changed` of `callId` this socket has received, once everything the
   * server sent it before has arrived (a `call:sync` answered: one socket's frames keep their order).
   */
  async callStatesHeard(callId: string): Promise<string[]> {
    await this.ok('call:sync', { callIds: [callId] });
    return this.eventsNamed<{ call: { id: string; state: string } }>('call:changed')
      .filter((p) => p.call.id === callId)
      .map((p) => p.call.state);
  }

  close(): void {
    this.socket.close();
  }
}
