import { ERROR_CODES, type ErrorCode } from '#shared';

/** A refusal the client should see as-is: a code from the protocol and a human message. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(ERROR_CODES.NOT_FOUND, `${what} not found`);
export const forbidden = (message: string) => new AppError(ERROR_CODES.FORBIDDEN, message);
export const badRequest = (message: string) => new AppError(ERROR_CODES.BAD_REQUEST, message);
