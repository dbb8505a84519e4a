import type { Clock, TimerHandle } from '#shared';
import type { AgentNamespace } from '../gateways/hub';
import type { Logger } from '../ops/logger';
import type { Storage } from '../storage/types';

type AgentSocket = Parameters<Parameters<AgentNamespace['on']>[1]>[0];

/**
 * Keeps open consoles honest about their sessions. A socket is only checked at its handshake, so
 * without this a console would keep working after its agent signed out, was removed, or its session
 * ran out. Each socket joins a room named after its session, so a revocation in this process
 * (sign-out) closes it at once; a session that expires closes at its expiry; and a periodic sweep
 * catches what another process did to the database (`agents remove` from the CLI).
 */
export class SessionWatch {
  private readonly expiries = new Map<string, TimerHandle>();
  private sweepTimer: TimerHandle | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly o: {
      nsp: AgentNamespace;
      storage: Storage;
      clock: Clock;
      logger: Logger;
      /** How often open sessions are checked against the database. */
      sweepMs: number;
    },
  ) {}

  /** Ties a socket to its session: it closes when the session expires or is revoked. */
  watch(socket: AgentSocket, tokenHash: string, expiresAt: number): void {
    void socket.join(sessionRoom(tokenHash));
    const handle = this.o.clock.setTimeout(
      () => this.close(socket, 'session expired'),
      Math.max(0, expiresAt - this.o.clock.now()),
    );
    this.expiries.set(socket.id, handle);
    socket.on('disconnect', () => {
      this.o.clock.clearTimeout(handle);
      this.expiries.delete(socket.id);
    });
    this.arm();
  }

  /** Closes every socket of a session now (sign-out). */
  revoke(tokenHash: string): void {
    this.o.nsp.in(sessionRoom(tokenHash)).disconnectSockets(true);
  }

  /** Closes every socket of an agent now (the agent was removed or disabled). */
  revokeAgent(agentId: string): void {
    this.o.nsp.in(`agent:${agentId}`).disconnectSockets(true);
  }

  /**
   * Closes every socket of an agent but those of one session (it changed the agent's password),
   * telling each why first, so the console can say it rather than try to reconnect.
   */
  revokeAgentExcept(agentId: string, keepTokenHash: string, reason: string): void {
    for (const socket of this.o.nsp.sockets.values()) {
      if (socket.data.agentId !== agentId || socket.data.tokenHash === keepTokenHash) continue;
      socket.emit('session:ended', { reason });
      socket.disconnect(true);
    }
  }

  /** Checks every open session against the database once; resolves when done. */
  sweep(): Promise<void> {
    this.sweeping ??= this.checkAll().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  stop(): void {
    for (const handle of this.expiries.values()) this.o.clock.clearTimeout(handle);
    this.expiries.clear();
    if (this.sweepTimer) this.o.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  private arm(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = this.o.clock.setTimeout(() => {
      this.sweepTimer = null;
      void this.sweep().finally(() => {
        if (this.o.nsp.sockets.size > 0) this.arm();
      });
    }, this.o.sweepMs);
  }

  private async checkAll(): Promise<void> {
    const hashes = new Set<string>();
    for (const socket of this.o.nsp.sockets.values()) hashes.add(socket.data.tokenHash as string);
    const now = this.o.clock.now();
    for (const hash of hashes) {
      const session = await this.o.storage.sessions.find(hash).catch((err) => {
        // A database hiccup is not a sign-out: keep the socket, check again next sweep.
        this.o.logger.warn({ err }, 'could not check an open session');
        return undefined;
      });
      if (session === null || (session && session.expiresAt <= now)) this.revoke(hash);
    }
  }

  private close(socket: AgentSocket, why: string): void {
    this.o.logger.info({ agentId: socket.data.agentId, why }, 'closing a console socket');
    socket.disconnect(true);
  }
}

const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;
