import type { Callback } from '#shared';

/** "1 missed call", "3 missed calls". */
export const missedText = (c: Pick<Callback, 'missedCalls'>) =>
  `${c.missedCalls} missed call${c.missedCalls === 1 ? '' : 's'}`;

/** "Not tried yet", "1 try", "2 tries". */
export const attemptsText = (c: Pick<Callback, 'attempts'>) =>
  c.attempts === 0 ? 'Not tried yet' : `${c.attempts} ${c.attempts === 1 ? 'try' : 'tries'}`;

/** Who has it: "You", a colleague's name, or "Nobody yet". */
export function claimText(c: Pick<Callback, 'claimedBy' | 'claimedByName'>, me: string | null): string {
  if (c.claimedBy === null) return 'Nobody yet';
  return c.claimedBy === me ? 'You' : (c.claimedByName ?? 'Another agent');
}

/** What this agent may do with it now: the server's rules, so the buttons match its answers. */
export function mayDo(c: Pick<Callback, 'claimedBy'>, me: string | null, admin: boolean) {
  const mine = c.claimedBy !== null && c.claimedBy === me;
  return {
    claim: c.claimedBy === null,
    callBack: mine,
    release: mine || (c.claimedBy !== null && admin),
    close: c.claimedBy === null || mine || admin,
  };
}
