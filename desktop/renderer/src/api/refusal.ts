/**
 * How a refused request reads on screen: the server's words (they may start with a name), and a
 * lost answer as the connection problem it is.
 */
export function refusalText(error: { code: string; message: string }): string {
  // The server's own UNAVAILABLE says why it cannot do it now (a full disk: ops/storage-health.ts).
  if (error.code === 'UNAVAILABLE' && !error.message.startsWith('the server cannot save')) {
    return 'The server did not answer. Check the connection and try again.';
  }
  return error.message;
}
