import type { Call } from '#shared';

/** A call's lock key is its id; the other keys have a kind before a colon (`agent:…`, `device:…`). */
const isCallKey = (key: string) => !key.includes(':');

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

  /** The statement that reads the call locked by `key`, or null when `key` is not a call's. */
  statement(key: string, literal: (s: string) => string): string | null {
    return isCallKey(key) ? `select doc from calls where id = ${literal(key)}` : null;
  }

  /** What `statement` read, the lock granted. */
  read(key: string, rows: { doc?: unknown }[]): void {
    const doc = rows[0]?.doc;
    if (typeof doc !== 'string') return;
    const call = JSON.parse(doc) as Call;
    if (call.id === key) this.held.set(key, call);
  }

  released(key: string): void {
    this.held.delete(key);
  }

  /** The call as it stands, while this node holds its lock. */
  get(callId: string): Call | undefined {
    return this.held.get(callId);
  }

  /** This node stored a new version of a call (under its lock, the only place calls are written). */
  stored(call: Call): void {
    if (this.held.has(call.id)) this.held.set(call.id, call);
  }
}
