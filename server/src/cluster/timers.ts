import type pg from 'pg';
import type { Logger } from '../ops/logger';
import { groupCommit } from '../storage/group-commit';

export type TimerKind = 'grace' | 'cancel';

/**
 * How long a timer's delete waits for others, in real time (it paces writes). A lease not yet
 * deleted when its node dies is taken over by another node, which asks the phone over its socket
 * before pushing (push-ledger.ts `resend`): a phone that acknowledged the first cancel does so
 * again, and gets no push.
 */
export const CLEAR_WAIT_MS = 250;

const SET = 'insert into cluster_timers (key, kind, due_at, owner, data)';
const DELETE = 'delete from cluster_timers where key = any($1)';
const ON_CONFLICT = `on conflict (key) do update
  set kind = excluded.kind, due_at = excluded.due_at, owner = excluded.owner, data = excluded.data`;

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
 * node shares (migration 0004). Any node fires a due one, and only one node does: a node claims
 * the due rows in one statement (`FOR UPDATE SKIP LOCKED`, then a lease of its own on them), fires
 * them holding no connection (a firing takes call locks, from another pool: issue 22 item 11), and
 * settles each. A node that dies mid-fire leaves its claims to run out; the next sweep after that
 * fires them again.
 */
export class ClusterTimers {
  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {}

  /** Sets (or moves) a timer; `owned` marks it as this node's work under way (a lease). */
  async set(key: string, kind: TimerKind, dueAt: number, data: unknown, owned = false): Promise<void> {
    await this.pool.query(`${SET} values ($1, $2, $3, $4, $5) ${ON_CONFLICT}`, [
      key,
      kind,
      dueAt,
      owned ? this.nodeId : null,
      JSON.stringify(data),
    ]);
  }

  /**
   * `set`'s statement with its values written in, for a query of several statements (the simple
   * protocol takes no parameters): a cancel's lease goes with the call's end, in its lock's
   * transaction (cluster/calls.ts).
   */
  setText(
    key: string,
    kind: TimerKind,
    dueAt: number,
    data: unknown,
    owned: boolean,
    literal: (s: string) => string,
  ): string {
    if (!Number.isSafeInteger(dueAt)) throw new RangeError(`cluster timer: ${dueAt} is not an integer`);
    const owner = owned ? literal(this.nodeId) : 'null';
    const values = [literal(key), literal(kind), String(dueAt), owner, literal(JSON.stringify(data))];
    return `${SET} values (${values.join(', ')}) ${ON_CONFLICT}`;
  }

  /**
   * Deletes a timer's row; those cleared while a delete is under way go together in the next one.
   * Resolves once its row is gone.
   */
  private readonly clearing = groupCommit<string>(async (keys) => {
    await this.pool.query(DELETE, [keys]);
  }, 100);

  clear(key: string): Promise<void> {
    return this.clearing(key);
  }

  private waiting: { keys: string[]; gone: Promise<void> } | null = null;

  /**
   * As `clear`, for a cancel's lease: those that end within `CLEAR_WAIT_MS` of the first go in one
   * delete (a lease ends when the phone acknowledges its cancel, once per call's end: a round trip
   * each, about one in seventeen of a cluster's per call setup). Not for graces: one must be gone
   * before it falls due.
   */
  clearSoon(key: string): Promise<void> {
    if (this.waiting) {
      this.waiting.keys.push(key);
      return this.waiting.gone;
    }
    const keys = [key];
    const gone = new Promise<void>((resolve) => setTimeout(resolve, CLEAR_WAIT_MS)).then(async () => {
      this.waiting = null;
      await this.pool.query(DELETE, [keys]);
    });
    this.waiting = { keys, gone };
    return gone;
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

  /**
   * Fires the timers of `kind` due at `now`, oldest first, each claimed by this node for `claimMs`
   * while it fires; resolves with how many fired.
   */
  async fireDue(
    kind: TimerKind,
    now: number,
    claimMs: number,
    fire: (row: TimerRow) => Promise<Fired>,
  ): Promise<number> {
    const claimedUntil = now + claimMs;
    const { rows } = await this.pool.query<{ key: string; data: string }>(
      `update cluster_timers set due_at = $3, owner = $4
        where key in (select key from cluster_timers where kind = $1 and due_at <= $2
                       order by due_at limit 100 for update skip locked)
        returning key, data`,
      [kind, now, claimedUntil, this.nodeId],
    );
    for (const r of rows) {
      const row: TimerRow = { key: r.key, kind, dueAt: claimedUntil, owner: this.nodeId, data: r.data };
      const outcome = await fire(row).catch((err: unknown) => {
        // Left claimed: fired again once the claim runs out.
        this.logger.error({ err, timer: row.key }, 'a cluster timer failed to fire');
        return null;
      });
      if (outcome === null) continue;
      // Only the row as claimed: one set again meanwhile (a new grace of the same party) stays.
      const mine = 'key = $1 and owner = $2 and due_at = $3';
      if (outcome === 'done') {
        await this.pool.query(`delete from cluster_timers where ${mine}`, [
          row.key,
          this.nodeId,
          claimedUntil,
        ]);
      } else {
        await this.pool.query(`update cluster_timers set due_at = $4 where ${mine}`, [
          row.key,
          this.nodeId,
          claimedUntil,
          outcome.keepUntil,
        ]);
      }
    }
    return rows.length;
  }
}
