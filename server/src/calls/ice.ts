import { createHmac } from 'node:crypto';
import type { IceServer, RtcIce } from '#shared';

/** Where the parties of a call find each other: STUN for their public address, TURN to relay. */
export interface IceConfig {
  /** `stun:host:port` URLs, handed out as they are. */
  stun: string[];
  /** `turn:`/`turns:` URLs of one TURN service sharing `turnSecret` (coturn's `static-auth-secret`). */
  turn: string[];
  turnSecret: string | null;
  /** The longest minted TURN credentials work (at most MAX_TURN_TTL_MS); see `iceServersFor`. */
  turnTtlMs: number;
  /** `relay`: every call goes through TURN (offices that allow no direct UDP between peers). */
  policy: 'all' | 'relay';
}

/**
 * Issue 20 item 7: a TURN credential is a key to the relay for anyone who reads it (a log, a
 * crash report), so it works for the start of the call and is renewed during long calls, never
 * for an hour after the call.
 */
export const MAX_TURN_TTL_MS = 10 * 60_000;

export const NO_ICE: IceConfig = {
  stun: [],
  turn: [],
  turnSecret: null,
  turnTtlMs: MAX_TURN_TTL_MS,
  policy: 'all',
};

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, what coturn's `use-auth-secret`
 * checks): the username is `<expiry in epoch seconds>:<who>`, the password is
 * base64(HMAC-SHA1(secret, username)). The TURN server recomputes it from the username alone, so
 * nothing is stored anywhere, and it refuses the username once its time has passed.
 */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/**
 * The ICE servers for one party (`partyId`: an agent or device id) of a call answered at
 * `answeredAt`, minted `now`.
 *
 * TURN credentials expire on a grid of half the TTL counted from the answer, two steps after the
 * step `now` falls in: they work between half the TTL and the whole TTL, and both parties of a
 * call asking at about the same time (on the answer, on an ICE restart) get the same expiry. Only
 * the console can restart ICE (it makes the offers), and it does so a minute before its own
 * credentials expire; the phone asks again on that restart offer. With one expiry for both, the
 * console's renewal renews the phone's in time too.
 */
export function iceServersFor(config: IceConfig, partyId: string, now: number, answeredAt: number): RtcIce {
  const iceServers: IceServer[] = [];
  if (config.stun.length > 0) iceServers.push({ urls: config.stun });
  let expiresAt: number | null = null;
  if (config.turn.length > 0 && config.turnSecret) {
    const step = Math.min(config.turnTtlMs, MAX_TURN_TTL_MS) / 2;
    const expiry = answeredAt + (Math.floor(Math.max(0, now - answeredAt) / step) + 2) * step;
    const expirySeconds = Math.floor(expiry / 1000);
    const username = `${expirySeconds}:${partyId}`;
    iceServers.push({ urls: config.turn, username, credential: turnCredential(config.turnSecret, username) });
    expiresAt = expirySeconds * 1000;
  }
  return { iceServers, iceTransportPolicy: config.policy, expiresAt };
}
