import type { Call } from '#shared';

/** A call's lock key is its id; the other keys have a kind before a colon (`agent:…`, `device:…`). */
export const isCallKey = (key: string) => !key.includes(':');
/** Ids that appear in a call's JSON exactly as they are (the app's: UUIDs, `agt_…`): a LIKE finds them. */
export const PLAIN_ID = /^[\w.:@+-]+$/;
/** An agent's or phone's key: its busy check (ClusterLiveCalls) reads the live calls naming it. */
const partyId = (key: string) => {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const id = key.slice(at + 1);
  return (kind === 'agent' || kind === 'device') && PLAIN_ID.test(id) ? id : null;
};

/**
 * Calls read in the same round trip as their lock (cluster/lock.ts): every change of a call takes
 * the call's lock, then reads the call (a node is never the authority on it), each a round trip to
 * PostgreSQL. The read now goes with the lock, on the lock's connection, after the lock is granted,
 * so it sees every change committed before (the previous holder stored its change before letting
 * go). While the lock is held nobody else changes the call, so the copy read is the call as it
 * stands, brought up to date with each change this node stores under the lock (`stored`).
 */
export class HeldCalls {
  private readonly held = new Map<string, Call>();
  /** Changes begun from this node's copy of a call and run again under its lock (`stale`). */
  rerunsUnderLock = 0;

  /**
   * `view`: this node's copies of the live calls (ClusterLiveCalls), each the last version it
   * stored or heard of. A change of a live call begins from it, without the lock's read, and is
   * stored only if the call is still that version (cluster/lock.ts `optimistic`). `learned` is
   * given each call read under its lock, the call as stored: a copy found stale (a broadcast this
   * node never got) is replaced by it, and the node's next change of the call begins from it.
   */
  constructor(
    private readonly view?: (callId: string) => Call | undefined,
    private readonly learned?: (call: Call) => void,
  ) {}

  /** This node's copy of the call, when `key` is a live call's it has one of. */
  copy(key: string): Call | undefined {
    return isCallKey(key) ? this.view?.(key) : undefined;
  }

  /** The copy a hold begins from, as the call as it stands until it is stored or found stale. */
  holding(key: string, call: Call): void {
    this.held.set(key, call);
  }

  /** The copy was not the call as stored (or the task needs the lock, `Locks.needLock`): its task runs again under the lock. */
  stale(key: string): void {
    this.rerunsUnderLock += 1;
    this.held.delete(key);
  }
  /**
   * The live calls naming an agent or phone, read with its lock for the busy check its task makes
   * next (a placement, a phone's answer or start): the read that check made on its own, a round
   * trip on the ring's first leg. Taken once; any call this node stores meanwhile drops them all.
   */
  private readonly naming = new Map<string, Call[]>();

  /** The statement read with the lock of `key`, or null when there is none for it. */
  statement(key: string, literal: (s: string) => string): string | null {
    if (isCallKey(key)) return `select doc from calls where id = ${literal(key)}`;
    const id = partyId(key);
    // As calls.listLiveMentioning: a superset of the calls naming the party, filtered by the check.
    return id === null
      ? null
      : `select doc from calls where state != 'ended' and doc like ${literal(`%${id}%`)} order by created_at, id`;
  }

  /** What `statement` read, the lock granted. */
  read(key: string, rows: { doc?: unknown }[]): void {
    if (!isCallKey(key)) {
      this.naming.set(
        key,
        rows.map((r) => JSON.parse(String(r.doc)) as Call),
      );
      return;
    }
    const doc = rows[0]?.doc;
    if (typeof doc !== 'string') return;
    const call = JSON.parse(doc) as Call;
    if (call.id !== key) return;
    this.held.set(key, call);
    this.learned?.(call);
  }

  released(key: string): void {
    this.held.delete(key);
    this.naming.delete(key);
  }

  /** The live calls naming `agent:<id>` or `device:<id>` as read with its lock, once; else undefined. */
  takeNaming(key: string): Call[] | undefined {
    const calls = this.naming.get(key);
    this.naming.delete(key);
    return calls;
  }

  /** The call as it stands, while this node holds its lock. */
  get(callId: string): Call | undefined {
    return this.held.get(callId);
  }

  /** This node stored a new version of a call (under its lock, the only place calls are written). */
  stored(call: Call): void {
    if (this.held.has(call.id)) this.held.set(call.id, call);
    this.naming.clear();
  }
}
