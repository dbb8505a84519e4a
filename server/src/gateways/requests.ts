import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { type Ack, ERROR_CODES, fail, ok } from '#shared';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { RateLimiter } from '../rate-limit';

export type Handlers<S extends Record<string, z.ZodType>> = {
  [K in keyof S]: (data: z.infer<S[K]>) => Promise<unknown>;
};

/**
 * Binds every request of one namespace: rate limit → validate → handle → ack. A bad payload gets
 * an error ack and changes nothing; an unexpected failure is logged and acked INTERNAL without a
 * stack trace. Events not listed here are not listened to, so Socket.IO drops them.
 */
export function bindRequests<S extends Record<string, z.ZodType>>(
  socket: Socket,
  schemas: S,
  handlers: Handlers<S>,
  opts: { limiter: RateLimiter; logger: Logger; track: <T>(p: Promise<T>) => Promise<T> },
): void {
  for (const event of Object.keys(schemas) as (keyof S & string)[]) {
    // Socket.IO's listener generics cannot follow a loop over keys; the schema below is the check.
    (socket as unknown as { on(e: string, l: (payload: unknown, ack: unknown) => void): void }).on(
      event,
      (payload, ack) => {
        // A request without an ack callback cannot be answered; ignoring it keeps the contract simple.
        if (typeof ack !== 'function') return;
        const reply = (a: Ack<unknown>) => (ack as (a: Ack<unknown>) => void)(a);
        if (!opts.limiter.take(socket.id)) {
          reply(fail(ERROR_CODES.RATE_LIMITED, 'too many requests; slow down'));
          return;
        }
        const parsed = schemas[event]!.safeParse(payload);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
          reply(fail(ERROR_CODES.BAD_REQUEST, `${event}: ${where}${issue?.message ?? 'invalid payload'}`));
          return;
        }
        void opts.track(
          handlers[event](parsed.data as z.infer<S[typeof event]>).then(
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
