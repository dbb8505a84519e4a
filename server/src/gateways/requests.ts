import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { type Ack, describeZodError, ERROR_CODES, fail, ok } from '#shared';
import type { SocketLimiter } from '../auth/rate-limit';
import { AppError } from '../errors';
import type { Logger } from '../ops/logger';

/**
 * One handler per request; its result must be exactly that request's ack data. `from` is what the
 * listener's `from(socket)` says of the sender (a phone's ids), for handlers shared by every socket.
 */
export type Handlers<
  S extends Record<string, z.ZodType>,
  A extends { [K in keyof S]: unknown },
  F = undefined,
> = {
  // Without a `from`, a handler takes the request alone (handlers made for one socket).
  [K in keyof S]: [F] extends [undefined]
    ? (data: z.infer<S[K]>) => Promise<A[K]>
    : (data: z.infer<S[K]>, from: F) => Promise<A[K]>;
};

export interface RequestOptions {
  limiter: SocketLimiter;
  logger: Logger;
  track: <T>(p: Promise<T>) => Promise<T>;
}

type Reply = (ack: Ack<unknown>) => void;

/**
 * The one listener for every request of a namespace: rate limit → authorize → validate → handle →
 * ack. Made once and given to each socket with `socket.onAny(listener)` (Socket.IO calls it with
 * the socket as `this`), so a socket holds one entry in one array for its requests, not a closure
 * and an event-table slot per request name: on a server with thousands of phones that was a third
 * of the memory each one cost (bench/README.md, bench:scale).
 *
 * The authorization comes before the payload is read, so a request the sender may not make is
 * refused the same way whatever it carries. A bad payload gets an error ack and changes nothing; an
 * unexpected failure is logged and acked INTERNAL without a stack trace. Whatever carries an ack
 * callback is answered: an unknown event, or a request sent without a payload, gets BAD_REQUEST
 * rather than the silence a client would wait out. Only a message over the socket's size cap is
 * not: Socket.IO closes the connection before it is read, which is why every request schema fits
 * within the cap.
 */
export function requestListener<
  S extends Record<string, z.ZodType>,
  A extends { [K in keyof S]: unknown },
  F = undefined,
>(
  schemas: S,
  handlers: Handlers<S, A, F>,
  opts: RequestOptions,
  from: (socket: Socket) => F,
  /** Rejects (with an AppError: FORBIDDEN, UNAUTHORIZED) a request this socket may not make. */
  authorize?: (socket: Socket, event: keyof S & string) => Promise<void>,
): (this: Socket, event: string, ...args: unknown[]) => void {
  return function onRequest(this: Socket, event: string, ...args: unknown[]) {
    if (!Object.hasOwn(schemas, event)) {
      const last = args.at(-1);
      if (typeof last === 'function')
        (last as Reply)(fail(ERROR_CODES.BAD_REQUEST, `unknown request "${event}"`));
      return;
    }
    const name = event as keyof S & string;
    const [payload, ack] = args;
    if (typeof payload === 'function' && ack === undefined) {
      (payload as Reply)(fail(ERROR_CODES.BAD_REQUEST, `${event}: a payload is required`));
      return;
    }
    // A request without an ack callback cannot be answered: there is nobody to tell.
    if (typeof ack !== 'function') return;
    const reply = ack as Reply;
    const handle = async () => {
      if (!(await opts.limiter.take(this.id))) {
        throw new AppError(ERROR_CODES.RATE_LIMITED, 'too many requests; slow down');
      }
      await authorize?.(this, name);
      const parsed = schemas[name]!.safeParse(payload);
      if (!parsed.success) throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error, event));
      return handlers[name](parsed.data as z.infer<S[typeof name]>, from(this));
    };
    void opts.track(
      handle().then(
        (data) => reply(ok(data ?? null)),
        (err: unknown) => {
          if (err instanceof AppError) return reply(fail(err.code, err.message));
          opts.logger.error({ err, event }, 'request failed');
          reply(fail(ERROR_CODES.INTERNAL, 'internal error'));
        },
      ),
    );
  };
}

/** The listener of requestListener for one socket whose handlers close over what they need. */
export function bindRequests<S extends Record<string, z.ZodType>, A extends { [K in keyof S]: unknown }>(
  socket: Socket,
  schemas: S,
  handlers: Handlers<S, A>,
  opts: RequestOptions,
  authorize?: (event: keyof S & string) => Promise<void>,
): void {
  socket.onAny(
    requestListener<S, A>(
      schemas,
      handlers,
      opts,
      () => undefined,
      authorize && ((_s, event) => authorize(event)),
    ),
  );
}
