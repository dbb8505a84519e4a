import type { Clock, Role, TimerHandle } from '#shared';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { Logger } from '../ops/logger';
import type { AccessChange } from '../storage/access-feed';
import type { Storage } from '../storage/types';
import { hashSecret } from './secrets';

/** Who is making a request: a signed-in agent and the session they use, as they are now. */
export interface Actor {
  agentId: string;
  name: string;
  role: Role;
  tokenHash: string;
  expiresAt: number;
}

/** A session that stopped being valid, and why in words for its consoles (null: nothing to say). */
export interface Revoked {
  tokenHash: string;
  agentId: string;
  reason: string | null;
}

/** How often expired sessions are deleted (issue 20 item 6: they were kept for ever). */
export const SESSION_PURGE_MS = 3600_000;
/** How often a SQLite server looks whether another process (the `agents` CLI) wrote. */
export const FOREIGN_WRITE_POLL_MS = 1_000;
/** Sessions kept in memory at most; the least recently used go first (they are read again if used). */
const MAX_KNOWN = 10_000;

const unauthorized = (message: string) => new AppError(ERROR_CODES.UNAUTHORIZED, message);

/**
 * The one check of a console's session (issue 22 item 4), for HTTP (a Fastify hook) and Socket.IO
 * (the handshake and every request) alike. A session is read from the database the first time
 * it is used and kept in memory; every later request is checked against memory, which notices keep
 * current (issue 20 item 11): this server's own changes at once, other servers' and the CLI's
 * through the storage's access feed (PostgreSQL NOTIFY, heard by every node at once; on SQLite, a
 * look every second at whether another process wrote). A change re-reads the sessions it may touch,
 * and those no longer valid are revoked: their consoles close.
 */
export class SessionAuth {
  private readonly known = new Map<string, Actor>();
  private readonly listeners = new Set<(revoked: Revoked) => void>();
  private poller: TimerHandle | null = null;
  private purger: TimerHandle | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(private readonly o: { storage: Storage; clock: Clock; logger: Logger }) {}

  /** Starts hearing changes from other servers and processes. */
  async start(): Promise<void> {
    this.unlisten = await this.o.storage.access.listen((change) => void this.recheck(change, null));
    // The first look only notes where the database stands: writes before it are not news.
    this.o.storage.access.othersWrote();
    this.poll();
    this.purge();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) this.o.clock.clearTimeout(this.poller);
    if (this.purger) this.o.clock.clearTimeout(this.purger);
    this.poller = null;
    this.purger = null;
    await this.unlisten?.();
  }

  /** The actor of a bearer token; UNAUTHORIZED when it is unknown, expired, or its agent is gone. */
  async verify(token: string | null | undefined): Promise<Actor> {
    if (!token) throw unauthorized('sign in first (Authorization: Bearer <session token>)');
    const tokenHash = hashSecret(token);
    const actor = this.current(tokenHash) ?? (await this.load(tokenHash));
    if (!actor) throw unauthorized('the session is unknown or expired; sign in again');
    return actor;
  }

  /** The session as it is now, from memory; null once it expired or was revoked. */
  current(tokenHash: string): Actor | null {
    const actor = this.known.get(tokenHash);
    if (!actor) return null;
    if (actor.expiresAt <= this.o.clock.now()) {
      this.known.delete(tokenHash);
      return null;
    }
    // Most recently used last, so the first entry is the one to forget.
    this.known.delete(tokenHash);
    this.known.set(tokenHash, actor);
    return actor;
  }

  /** The session as it is now: from memory, read again only when memory does not hold it. */
  async actorOf(tokenHash: string): Promise<Actor | null> {
    return this.current(tokenHash) ?? (await this.load(tokenHash));
  }

  /** Hears every session that stops being valid (its sockets are closed by the listener). */
  onRevoked(listener: (revoked: Revoked) => void): void {
    this.listeners.add(listener);
  }

  /**
   * This server changed someone's access in the database: checks here at once, then tells every
   * other server. `reason` is shown by the consoles that close.
   */
  async changed(change: AccessChange, reason: string | null = null): Promise<void> {
    await this.recheck(change, reason);
    await this.o.storage.access.announce(change).catch((err: unknown) => {
      this.o.logger.error({ err, change }, 'could not tell the other servers that access changed');
    });
  }

  private async load(tokenHash: string): Promise<Actor | null> {
    const session = await this.o.storage.sessions.find(tokenHash);
    if (!session || session.expiresAt <= this.o.clock.now()) return null;
    const agent = await this.o.storage.agents.findById(session.agentId);
    if (!agent || agent.disabledAt !== null) return null;
    const actor: Actor = {
      agentId: agent.id,
      name: agent.name,
      role: agent.role,
      tokenHash,
      expiresAt: session.expiresAt,
    };
    this.known.set(tokenHash, actor);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value as string);
    return actor;
  }

  /** Re-reads the known sessions a change may touch; revokes those no longer valid. */
  private async recheck(change: AccessChange, reason: string | null): Promise<void> {
    const touched = [...this.known.values()].filter(
      (a) =>
        (change.tokenHash === undefined && change.agentId === undefined) ||
        a.tokenHash === change.tokenHash ||
        a.agentId === change.agentId,
    );
    for (const before of touched) {
      this.known.delete(before.tokenHash);
      const now = await this.load(before.tokenHash).catch((err: unknown) => {
        // A database hiccup is not a sign-out: keep the session as it was, look again next change.
        this.o.logger.warn({ err }, 'could not check a session again');
        this.known.set(before.tokenHash, before);
        return before;
      });
      if (now) continue;
      for (const listener of this.listeners)
        listener({ tokenHash: before.tokenHash, agentId: before.agentId, reason });
    }
  }

  /** Deletes the sessions that ran out, every hour on the server's clock (each node: the delete is idempotent). */
  private purge(): void {
    if (this.stopped) return;
    this.purger = this.o.clock.setTimeout(() => {
      const done = this.o.storage.sessions.removeExpired(this.o.clock.now()).then(
        (removed) => removed > 0 && this.o.logger.info({ removed }, 'deleted expired sessions'),
        (err: unknown) => this.o.logger.warn({ err }, 'could not delete expired sessions'),
      );
      void done.finally(() => this.purge());
    }, SESSION_PURGE_MS);
  }

  /** SQLite: another process's write may have been the CLI removing an agent; look again. */
  private poll(): void {
    if (this.stopped) return;
    this.poller = this.o.clock.setTimeout(() => {
      const look = this.o.storage.access.othersWrote() ? this.recheck({}, null) : Promise.resolve();
      void look.finally(() => this.poll());
    }, FOREIGN_WRITE_POLL_MS);
  }
}
