import type { Clock, TimerHandle } from '#shared';
import type { AgentNamespace, AgentSocket } from '../gateways/hub';
import type { Logger } from '../ops/logger';
import type { Revoked, SessionAuth } from './session-auth';

/**
 * Keeps open consoles honest about their sessions. A socket is checked at its handshake and on
 * every request (SessionAuth); this closes it as soon as its session stops being valid, so the
 * console can say so rather than fail request after request: at the session's expiry, and when
 * SessionAuth revokes it (a sign-out, an agent removed, disabled or given a new password, here,
 * on another node or from the CLI). Each node closes its own sockets.
 */
export class SessionWatch {
  private readonly expiries = new Map<string, TimerHandle>();

  constructor(private readonly o: { nsp: AgentNamespace; auth: SessionAuth; clock: Clock; logger: Logger }) {
    o.auth.onRevoked((revoked) => this.closeSession(revoked));
  }

  /** Ties a socket to its session: it closes when the session expires or is revoked. */
  watch(socket: AgentSocket): void {
    const { expiresAt } = socket.data.actor;
    const handle = this.o.clock.setTimeout(
      () => this.close(socket, 'session expired'),
      Math.max(0, expiresAt - this.o.clock.now()),
    );
    this.expiries.set(socket.id, handle);
    socket.on('disconnect', () => {
      this.o.clock.clearTimeout(handle);
      this.expiries.delete(socket.id);
    });
  }

  stop(): void {
    for (const handle of this.expiries.values()) this.o.clock.clearTimeout(handle);
    this.expiries.clear();
  }

  /** Tells each of the session's consoles on this node why (when there is something to say), then closes it. */
  private closeSession({ tokenHash, reason }: Revoked): void {
    for (const socket of this.o.nsp.sockets.values()) {
      if (socket.data.actor?.tokenHash !== tokenHash) continue;
      if (reason) socket.emit('session:ended', { reason });
      this.close(socket, reason ?? 'session revoked');
    }
  }

  private close(socket: AgentSocket, why: string): void {
    const { actor, address } = socket.data;
    this.o.logger.info({ agentId: actor?.agentId, address, why }, 'closing a console socket');
    socket.disconnect(true);
  }
}
