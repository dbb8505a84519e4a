/**
 * How a refused request reads on screen: the server's words (they may start with a name), and a
 * lost answer as the connection problem it is.
 */
export function refusalText(error: { code: string; message: string }): string {
  if (error.code === 'UNAVAILABLE') return 'The server did not answer. Check the connection and try again.';
  return error.message;
}
