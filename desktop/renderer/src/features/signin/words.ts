import type { ErrorBody } from '#shared';

/** A refused sign-in in words: `wrong` for a name and password that do not match. */
export function signInRefusal(error: ErrorBody, wrong: string, serverUrl?: string): string {
  if (error.code === 'UNAUTHORIZED') return wrong;
  if (error.code === 'UNAVAILABLE') {
    return serverUrl
      ? `The server at ${serverUrl} cannot be reached. Check that it is running, then try again.`
      : 'The server cannot be reached. Try again in a moment.';
  }
  return error.message;
}
