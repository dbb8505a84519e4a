import { createHmac } from 'node:crypto';
import type { IceServer, RtcIce } from '#shared';

/** Where the parties of a call find each other: STUN for their public address, TURN to relay. */
export interface IceConfig {
  /** `stun:host:port` URLs, handed out as they are. */
  stun: string[];
  /** `turn:`/`turns:` URLs of one TURN service sharing `turnSecret` (coturn's `static-auth-secret`). */
  turn: string[];
  turnSecret: string | null;
  /** How long minted TURN credentials work. */
  turnTtlMs: number;
  /** `relay`: every call goes through TURN (offices that allow no direct UDP between peers). */
  policy: 'all' | 'relay';
}

export const NO_ICE: IceConfig = {
  stun: [],
  turn: [],
  turnSecret: null,
  turnTtlMs: 3_600_000,
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

/** The ICE servers for one party (`partyId`: an agent or device id) of one call, minted now. */
export function iceServersFor(config: IceConfig, partyId: string, now: number): RtcIce {
  const iceServers: IceServer[] = [];
  if (config.stun.length > 0) iceServers.push({ urls: config.stun });
  let expiresAt: number | null = null;
  if (config.turn.length > 0 && config.turnSecret) {
    const expirySeconds = Math.floor((now + config.turnTtlMs) / 1000);
    const username = `${expirySeconds}:${partyId}`;
    iceServers.push({ urls: config.turn, username, credential: turnCredential(config.turnSecret, username) });
    expiresAt = expirySeconds * 1000;
  }
  return { iceServers, iceTransportPolicy: config.policy, expiresAt };
}
