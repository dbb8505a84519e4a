import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { type Ack, describeZodError, ERROR_CODES, fail, ok } from '#shared';
import type { SocketLimiter } from '../auth/rate-limit';
import { AppError } from '../errors';
import type { Logger } from '../ops/logger';

/** One handler per request; its result must be exactly that request's ack data. */
export type Handlers<S extends Record<string, z.ZodType>, A extends { [K in keyof S]: unknown }> = {
  [K in keyof S]: (data: z.infer<S[K]>) => Promise<A[K]>;
};

export interface RequestOptions {
  limiter: SocketLimiter;
  logger: Logger;
  track: <T>(p: Promise<T>) => Promise<T>;
}

type Reply = (ack: Ack<unknown>) => void;

/**
 * Binds every request of one namespace: rate limit → authorize → validate → handle → ack. The
 * authorization comes before the payload is read, so a request the sender may not make is refused
 * the same way whatever it carries. A bad payload gets
 * an error ack and changes nothing; an unexpected failure is logged and acked INTERNAL without a
 * stack trace. Whatever carries an ack callback is answered: an unknown event, or a request sent
 * without a payload, gets BAD_REQUEST rather than the silence a client would wait out. Only a
 * message over the socket's size cap is not: Socket.IO closes the connection before it is read,
 * which is why every request schema fits within the cap.
 */
export function bindRequests<S extends Record<string, z.ZodType>, A extends { [K in keyof S]: unknown }>(
  socket: Socket,
  schemas: S,
  handlers: Handlers<S, A>,
  opts: RequestOptions,
  /** Rejects (with an AppError: FORBIDDEN, UNAUTHORIZED) a request this socket may not make. */
  authorize?: (event: keyof S & string) => Promise<void>,
): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function' || Object.hasOwn(schemas, event)) return;
    (ack as Reply)(fail(ERROR_CODES.BAD_REQUEST, `unknown request "${event}"`));
  });

  for (const event of Object.keys(schemas) as (keyof S & string)[]) {
    // Socket.IO's listener generics cannot follow a loop over keys; the schema below is the check.
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(
      event,
      (payload, ack) => {
        if (typeof payload === 'function' && ack === undefined) {
          (payload as Reply)(fail(ERROR_CODES.BAD_REQUEST, `${event}: a payload is required`));
          return;
        }
        // A request without an ack callback cannot be answered: there is nobody to tell.
        if (typeof ack !== 'function') return;
        const reply = ack as Reply;
        const handle = async () => {
          if (!(await opts.limiter.take(socket.id))) {
            throw new AppError(ERROR_CODES.RATE_LIMITED, 'too many requests; slow down');
          }
          await authorize?.(event);
          const parsed = schemas[event]!.safeParse(payload);
          if (!parsed.success)
            throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error, event));
          return handlers[event](parsed.data as z.infer<S[typeof event]>);
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
      },
    );
  }
}
