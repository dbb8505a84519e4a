/** The part of a zod error this module reads (zod 4's `ZodError` has it). */
export interface ValidationError {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * One line for a failed zod parse, for an error ack, an HTTP 400 or a CLI message: the first issue
 * as `path: message` (just the message for an issue at the root), after `prefix: ` when one is
 * given (the event name of a refused request, say). The first issue is enough to fix a request by
 * hand, and one line keeps an ack or a log entry small.
 */
export function describeZodError(error: ValidationError, prefix?: string): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  const text = `${where}${issue?.message ?? 'invalid value'}`;
  return prefix ? `${prefix}: ${text}` : text;
}
