import { randomUUID } from 'node:crypto';
import { type ConsoleHello, ERROR_CODES, type SoftphoneStatus } from '#shared';
import type { Locks } from '../calls/ports';
import { KeyedQueue } from '../calls/queue';
import { AppError } from '../errors';
import type { AgentNamespace, AgentSocket } from '../gateways/hub';
import type { Storage } from '../storage/types';
import { softphoneRoom } from './room';

/** What a console socket says of itself; a console from before softphones gets an id of its own. */
export const consoleOf = (hello: ConsoleHello | undefined): ConsoleHello =>
  hello ?? { id: randomUUID(), label: 'Console' };

type Holder = { id: string; data: { console?: ConsoleHello; connectedAt?: number } };

/**
 * Which of an agent's open consoles is their softphone (issue 26 item 2): it alone rings and
 * carries call audio; media signals reach it alone, and only it may send them.
 *
 * The truth is a Socket.IO room, `softphone:<agentId>`, holding one socket: rooms span a cluster's
 * nodes through the adapter, so a console on another node is found, joined and told without a
 * store of our own. Changes for one agent run one at a time (the calls' keyed queue, under the
 * cluster's lock on that key), and each ends by telling every console of the agent.
 *
 * - A console that connects takes the softphone when there is none, or when the one there is the
 *   same page (a socket.io reconnect after a network drop, whose old socket the server has not
 *   seen close yet) or the page it replaced (`previousId`: the tab reloaded).
 * - The softphone's socket closing hands it to the agent's most recently connected other console.
 * - "Use this window for calls" (`take`) moves it to the console that asks.
 */
export class Softphones {
  private readonly queue: KeyedQueue;
  private closing = false;

  constructor(
    private readonly o: {
      nsp: AgentNamespace;
      storage: Storage;
      locks: Locks;
      now: () => number;
    },
  ) {
    this.queue = new KeyedQueue(o.locks);
  }

  /** Whether this socket is its agent's softphone now. */
  holds(socket: AgentSocket): boolean {
    return socket.rooms.has(softphoneRoom(socket.data.actor.agentId));
  }

  /** Refuses media from a console that is not the softphone: two pages must never both negotiate. */
  require(socket: AgentSocket): void {
    if (this.holds(socket)) return;
    throw new AppError(
      ERROR_CODES.FORBIDDEN,
      'another window is your softphone: calls ring and play there; choose "Use this window for calls" to move them here',
    );
  }

  /** A console connected (already in its agent's room). */
  connected(socket: AgentSocket): Promise<void> {
    const { agentId } = socket.data.actor;
    return this.run(agentId, async () => {
      const me = socket.data.console;
      const holders = await this.holders(agentId);
      const samePage = (h: Holder) => h.data.console?.id === me?.id || h.data.console?.id === me?.previousId;
      if (socket.connected && holders.every(samePage)) await this.moveTo(agentId, socket.id);
    });
  }

  /**
   * This node stops. Its consoles' sockets close now and reconnect to another node, where
   * `connected()` finds the room empty and takes the softphone: a hand-on from here would only ask
   * nodes that may be stopping too (bench:cluster logged dozens of adapter timeouts at level 50).
   */
  close(): void {
    this.closing = true;
  }

  /**
   * The level a failed change is logged at: once this node closes, one begun before it asked,
   * through the adapter, nodes that may be stopping too (a timeout), which is no error to chase.
   */
  get failureLevel(): 'debug' | 'error' {
    return this.closing ? 'debug' : 'error';
  }

  /** A console's socket closed; `held` says whether it was the softphone. */
  left(agentId: string, held: boolean): Promise<void> {
    if (!held || this.closing) return Promise.resolve();
    return this.run(agentId, async () => {
      if ((await this.holders(agentId)).length > 0) return;
      const others = await this.o.nsp.in(`agent:${agentId}`).fetchSockets();
      const next = others.sort((a, b) => (b.data.connectedAt ?? 0) - (a.data.connectedAt ?? 0))[0];
      if (next) await this.moveTo(agentId, next.id);
    });
  }

  /** "Use this window for calls". */
  take(socket: AgentSocket): Promise<SoftphoneStatus> {
    const { agentId } = socket.data.actor;
    return this.run(agentId, async () => {
      if (!this.holds(socket)) await this.moveTo(agentId, socket.id);
      return this.status(agentId);
    });
  }

  configure(agentId: string, autoAnswer: boolean): Promise<SoftphoneStatus> {
    return this.run(agentId, async () => {
      await this.o.storage.softphone.setAutoAnswer(agentId, autoAnswer, this.o.now());
      return this.status(agentId);
    });
  }

  /** Tells every console of the agent (also after a change it did not make: a setting). */
  async announce(agentId: string): Promise<SoftphoneStatus> {
    const status = await this.status(agentId);
    this.o.nsp.to(`agent:${agentId}`).emit('softphone:changed', status);
    return status;
  }

  // MARK: - Internals

  private run<T>(agentId: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(`softphone:${agentId}`, async () => {
      const result = await task();
      await this.announce(agentId);
      return result;
    });
  }

  private async holders(agentId: string): Promise<Holder[]> {
    return this.o.nsp.in(softphoneRoom(agentId)).fetchSockets();
  }

  /**
   * Empties the room, then puts `socketId` in it (on whichever node it lives). Through the adapter
   * itself, not `nsp.in().socketsJoin()`, which drops its promise: a cluster's adapter applies the
   * change here only once Redis took it, and the status announced next must see it.
   */
  private async moveTo(agentId: string, socketId: string): Promise<void> {
    const { adapter } = this.o.nsp;
    const room = softphoneRoom(agentId);
    // Issued in this order (Redis keeps it), awaited together: one round trip, not two.
    const left = adapter.delSockets({ rooms: new Set([room]), except: new Set() }, [room]);
    const joined = adapter.addSockets({ rooms: new Set([socketId]), except: new Set() }, [room]);
    await Promise.all([left, joined]);
  }

  private async status(agentId: string): Promise<SoftphoneStatus> {
    const [holder] = await this.holders(agentId);
    const hello = holder?.data.console;
    return {
      consoleId: hello?.id ?? null,
      label: hello?.label ?? null,
      autoAnswer: await this.o.storage.softphone.autoAnswer(agentId),
    };
  }
}
