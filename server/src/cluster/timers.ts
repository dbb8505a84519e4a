import type pg from 'pg';
import type { Logger } from '../ops/logger';

export type TimerKind = 'grace' | 'cancel';

export interface TimerRow {
  key: string;
  kind: TimerKind;
  dueAt: number;
  owner: string | null;
  data: string;
}

/** What firing a timer came to: done (its row goes), or this node keeps it until `keepUntil`. */
export type Fired = 'done' | { keepUntil: number };

/**
 * Timers that outlive the node that set them, as rows of `cluster_timers` in the PostgreSQL every
 * node shares (migration 0004). Any node fires a due one, and only one node does: the rows are
 * taken `FOR UPDATE SKIP LOCKED` in a transaction held while they fire, so the other nodes skip
 * them, and a node that dies mid-fire rolls back and leaves them to the next sweep.
 */
export class ClusterTimers {
  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {}

  /** Sets (or moves) a timer; `owned` marks it as this node's work under way (a lease). */
  async set(key: string, kind: TimerKind, dueAt: number, data: unknown, owned = false): Promise<void> {
    await this.pool.query(
      `insert into cluster_timers (key, kind, due_at, owner, data) values ($1, $2, $3, $4, $5)
       on conflict (key) do update
         set kind = excluded.kind, due_at = excluded.due_at, owner = excluded.owner, data = excluded.data`,
      [key, kind, dueAt, owned ? this.nodeId : null, JSON.stringify(data)],
    );
  }

  async clear(key: string): Promise<void> {
    await this.pool.query('delete from cluster_timers where key = $1', [key]);
  }

  /** This node is alive and still at its leases of `kind`: they last until `until` now. */
  async renew(kind: TimerKind, until: number): Promise<void> {
    await this.pool.query('update cluster_timers set due_at = $1 where kind = $2 and owner = $3', [
      until,
      kind,
      this.nodeId,
    ]);
  }

  /** This node stops: its leases of `kind` are due at once, for the other nodes to take. */
  async release(kind: TimerKind): Promise<void> {
    await this.pool.query('update cluster_timers set due_at = 0 where kind = $1 and owner = $2', [
      kind,
      this.nodeId,
    ]);
  }

  /** Fires the timers of `kind` due at `now`, oldest first; resolves with how many fired. */
  async fireDue(kind: TimerKind, now: number, fire: (row: TimerRow) => Promise<Fired>): Promise<number> {
    const client = await this.pool.connect();
    let committed = false;
    try {
      await client.query('begin');
      const { rows } = await client.query<{
        key: string;
        due_at: string;
        owner: string | null;
        data: string;
      }>(
        `select key, due_at, owner, data from cluster_timers
          where kind = $1 and due_at <= $2 order by due_at limit 100 for update skip locked`,
        [kind, now],
      );
      for (const r of rows) {
        const row: TimerRow = { key: r.key, kind, dueAt: Number(r.due_at), owner: r.owner, data: r.data };
        const outcome = await fire(row).catch((err: unknown) => {
          // Left as it is: the next sweep tries again.
          this.logger.error({ err, timer: row.key }, 'a cluster timer failed to fire');
          return null;
        });
        if (outcome === 'done') await client.query('delete from cluster_timers where key = $1', [row.key]);
        else if (outcome) {
          await client.query('update cluster_timers set due_at = $1, owner = $2 where key = $3', [
            outcome.keepUntil,
            this.nodeId,
            row.key,
          ]);
        }
      }
      await client.query('commit');
      committed = true;
      return rows.length;
    } finally {
      if (!committed) await client.query('rollback').catch(() => undefined);
      client.release();
    }
  }
}
