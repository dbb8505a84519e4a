import { displayName } from '#shared';

const FALLBACK_NAME = 'Owner';

/**
 * The local owner agent's name: the computer user's, when it is a valid agent name, else "Owner".
 * Apart from embedded/owner.ts so the main process can compute it without loading the server.
 */
export function ownerName(wanted: string): string {
  const parsed = displayName(80).safeParse(wanted);
  return parsed.success ? parsed.data : FALLBACK_NAME;
}
