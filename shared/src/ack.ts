import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from './errors';

export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODE_LIST),
  message: z.string(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Every request is answered by exactly one ack: `{ok: true, data}` or `{ok: false, error}`. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AckCallback<T> = (ack: Ack<T>) => void;

export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: errorBodySchema }),
  ]);
}

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });

export const fail = (code: ErrorCode, message: string): Ack<never> => ({
  ok: false,
  error: { code, message },
});
