import { type ClientHttp2Session, connect, constants, type OutgoingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';

/** What one request to APNs came to: its answer, or why there was none (`status` null). */
export interface ApnsAnswer {
  status: number | null;
  /** APNs' reason for a refusal, or what went wrong on the way (classified by `attempt.ts`). */
  reason: string | null;
  /** The `apns-id` APNs answered with, if it answered. */
  apnsId: string | undefined;
}

/** Pings every live connection this often, as Apple suggests, so idle ones are known alive. */
const HEARTBEAT_MS = 60_000;
/** A failure that is only a connection's, not APNs': its message, for `attempt.ts` to classify. */
export class ConnectionFailure {
  constructor(
    readonly message: string,
    readonly timedOut = false,
  ) {}
}

/**
 * HTTP/2 connections to one APNs origin (one per environment; `connections` of them, used in
 * turn), made on first use and again after a GOAWAY, an error or a close. A push is one request:
 * the headers, the body byte for byte, one timer for its timeout; the answer's body is read only
 * when it is not a 200. This replaces node-apn, whose Notification, Provider.send and request
 * wrappers cost the push more CPU than the request itself (bench/README.md, bench:push).
 */
export class ApnsConnections {
  private readonly sessions: (ClientHttp2Session | undefined)[];
  private next = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly probing = new WeakSet<ClientHttp2Session>();
  /** Every connection not yet closed, draining ones (after a GOAWAY) included: close() ends them all. */
  private readonly all = new Set<ClientHttp2Session>();
  /** Each connection's TCP socket, to end it for sure: see kill(). */
  private readonly sockets = new WeakMap<ClientHttp2Session, Socket>();

  constructor(
    private readonly o: {
      origin: string;
      ca: string | Buffer | undefined;
      connections: number;
      requestTimeoutMs: number;
      onConnectionError: (err: Error) => void;
    },
  ) {
    this.sessions = new Array(Math.max(1, o.connections)).fill(undefined);
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Sends one request; resolves with APNs' answer or a ConnectionFailure, never rejects. */
  request(headers: OutgoingHttpHeaders, body: string): Promise<ApnsAnswer | ConnectionFailure> {
    let session: ClientHttp2Session;
    let stream: ReturnType<ClientHttp2Session['request']>;
    try {
      session = this.session();
      stream = session.request(headers);
    } catch (err) {
      return Promise.resolve(new ConnectionFailure((err as Error).message));
    }
    return new Promise((resolve) => {
      let status: number | null = null;
      let apnsId: string | undefined;
      let chunks: Buffer[] | undefined;
      let error: Error | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        // Answered now, not on the stream's close: a stream still waiting for its connection
        // (one that never opens) closes only once it has one, which may be never.
        timedOut = true;
        resolve(new ConnectionFailure('timeout', true));
        if (stream.pending) stream.destroy();
        else stream.close(constants.NGHTTP2_CANCEL);
        this.probe(session);
      }, this.o.requestTimeoutMs);
      stream.on('response', (h) => {
        status = Number(h[':status']);
        apnsId = h['apns-id'] as string | undefined;
      });
      stream.on('data', (chunk: Buffer) => {
        if (status === 200) return;
        chunks ??= [];
        chunks.push(chunk);
      });
      stream.on('error', (err) => {
        error = err;
      });
      stream.on('close', () => {
        clearTimeout(timer);
        if (timedOut) return;
        if (status !== null)
          resolve({ status, reason: status === 200 ? null : reasonOf(status, chunks), apnsId });
        else resolve(new ConnectionFailure(describeClose(error, stream.rstCode)));
      });
      stream.end(body);
    });
  }

  /**
   * Closes every connection: gracefully (a GOAWAY), and for sure a moment later. The gateway calls
   * it once its requests are over, each ended by its answer or its timeout.
   */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.sessions.fill(undefined);
    // A destroyed one is done already (its close event may have gone by).
    const open = [...this.all].filter((s) => !s.destroyed);
    const closing = (s: ClientHttp2Session) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => this.kill(s), Math.min(1000, this.o.requestTimeoutMs));
        s.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        if (s.connecting) this.kill(s);
        else s.close();
      });
    await Promise.all(open.map(closing));
  }

  /**
   * Ends a connection now. destroy() alone is not enough for one already closing after a GOAWAY:
   * Node then only half-closes its socket and waits for the peer's, which a stalled peer never sends.
   */
  private kill(session: ClientHttp2Session, err?: Error): void {
    session.destroy(err);
    this.sockets.get(session)?.destroy();
  }

  private session(): ClientHttp2Session {
    const slot = this.next;
    this.next = (slot + 1) % this.sessions.length;
    const existing = this.sessions[slot];
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect(this.o.origin, this.o.ca ? { ca: this.o.ca } : {});
    const retire = () => {
      if (this.sessions[slot] === session) this.sessions[slot] = undefined;
    };
    // After a GOAWAY the streams under way finish; new pushes take a new connection.
    session.on('goaway', retire);
    this.all.add(session);
    session.once('connect', (_s: ClientHttp2Session, socket: Socket) => this.sockets.set(session, socket));
    session.on('close', () => {
      retire();
      this.all.delete(session);
    });
    session.on('error', (err) => {
      retire();
      this.o.onConnectionError(err);
    });
    this.sessions[slot] = session;
    return session;
  }

  private ping(): void {
    for (const s of this.all) this.probe(s);
  }

  /**
   * Pings the connection and drops it when no answer comes within the request timeout: after a
   * request timed out, or on the heartbeat. A connection that stopped answering (a half-open TCP
   * connection, a stalled peer) would otherwise time out every push sent on it.
   */
  private probe(session: ClientHttp2Session): void {
    if (session.destroyed || session.connecting || this.probing.has(session)) return;
    this.probing.add(session);
    const silent = setTimeout(
      () => this.kill(session, new Error('APNs did not answer a ping')),
      this.o.requestTimeoutMs,
    );
    silent.unref();
    const done = () => {
      clearTimeout(silent);
      this.probing.delete(session);
    };
    const sent = session.ping((err) => {
      done();
      if (err && !session.destroyed) this.kill(session, err);
    });
    if (!sent) done();
  }
}

/** APNs' reason from a refusal's JSON body (`{"reason": …}`), or the status when it gave none. */
function reasonOf(status: number, chunks: Buffer[] | undefined): string {
  if (chunks) {
    try {
      const { reason } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reason?: unknown };
      if (typeof reason === 'string' && reason) return reason;
    } catch {
      // Not JSON: APNs always sends it, a proxy in the way may not.
    }
  }
  return `HTTP ${status}`;
}

function describeClose(error: Error | undefined, rstCode: number | undefined): string {
  if (error) return error.message;
  if (rstCode === constants.NGHTTP2_REFUSED_STREAM) return 'stream refused (NGHTTP2_REFUSED_STREAM)';
  return `stream closed without an answer (code ${rstCode ?? 'none'})`;
}
