import type { Http2ServerRequest } from 'node:http2';
import { constants } from 'node:http2';
import type { Socket } from 'node:net';
import type { Fault } from './types';

/** Faults other than `unregister`, which changes the device instead of queueing. */
export type QueuedFault = Exclude<Fault, { type: 'unregister' }>;

/** Scripted faults per token, or `*` for every token without one of its own; each used `count` times. */
export class FaultBook {
  private readonly queues = new Map<string, { fault: QueuedFault; remaining: number }[]>();

  add(token: string, fault: QueuedFault): void {
    const count = fault.count ?? 1;
    const remaining = count === 'forever' ? Number.POSITIVE_INFINITY : count;
    if (!(remaining >= 1)) throw new Error('a fault count is a positive number or "forever"');
    const key = keyOf(token);
    const queue = this.queues.get(key) ?? [];
    queue.push({ fault, remaining });
    this.queues.set(key, queue);
  }

  clear(token?: string): void {
    if (token === undefined) this.queues.clear();
    else this.queues.delete(keyOf(token));
  }

  /** The fault the next request to this token meets, if any; uses it up once. */
  take(token: string): QueuedFault | null {
    for (const key of [token, '*']) {
      const queue = this.queues.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) this.queues.delete(key);
      return head.fault;
    }
    return null;
  }
}

const keyOf = (token: string) => (token === '*' ? '*' : token.toLowerCase());

/** Ends the request's HTTP/2 session with GOAWAY; the request itself is refused, so a client may retry. */
export function sendGoaway(req: Http2ServerRequest, sockets: Set<Socket>, onError: (err: unknown) => void) {
  const stream = req.stream;
  if (!stream) return dropConnection(req, sockets);
  const session = stream.session;
  try {
    // A graceful GOAWAY (last stream id 2^31-1, which nghttp2 lowers to the last stream it got):
    // streams already open finish, and only the faulted one is refused, so the client may retry it.
    // A lower last stream id made nghttp2 close open streams (a delayed answer's) under Node while
    // it sent the GOAWAY, which corrupted Node 20's heap ("corrupted size vs. prev_size", found by
    // tools/soak with GOAWAY and delay faults on one connection).
    session?.goaway(constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1, Buffer.from('{"reason":"Shutdown"}'));
    stream.close(constants.NGHTTP2_REFUSED_STREAM);
    session?.close();
  } catch (err) {
    onError(err);
  }
}

/** Destroys the TCP connection the request came on, without an answer. */
export function dropConnection(req: { socket?: unknown }, sockets: Set<Socket>) {
  const proxy = req.socket as { remotePort?: number; remoteAddress?: string } | undefined;
  for (const socket of sockets) {
    if (socket.remotePort === proxy?.remotePort && socket.remoteAddress === proxy?.remoteAddress) {
      socket.destroy();
      return;
    }
  }
}
