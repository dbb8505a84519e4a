import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the background thread copies the write-ahead log into the database file. */
export const CHECKPOINT_PERIOD_MS = 100;
/**
 * The event loop's own connection still checkpoints once the log holds this many pages (about
 * 40 MB): under writes that never pause, the background checkpoints never catch up fully and
 * SQLite only rewinds the log after one made by the writer itself.
 */
export const SAFETY_NET_PAGES = 10_000;
/** SQLite's default, for a database whose background checkpoints failed. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointOptions {
  periodMs?: number;
  /** The background thread could not checkpoint this database; the writer does it again. */
  onFailure?: (message: string) => void;
  /** A background checkpoint copied pages (tests wait on it). */
  onCheckpoint?: (result: { log: number; checkpointed: number }) => void;
}

export interface BackgroundCheckpoints {
  /** Stops and closes the thread's connection, so the caller's close is the last one. */
  release(): Promise<void>;
}

// CommonJS run by `eval`: a bundled or transpiled function could not be shipped to the thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const open = new Map();
const messageOf = (e) => (e && e.message) || String(e);
function checkpoint(id, entry) {
  try {
    const [r] = entry.db.pragma('wal_checkpoint(PASSIVE)');
    if (r.checkpointed > 0 && r.checkpointed !== entry.last) parentPort.postMessage({ type: 'checkpointed', id, log: r.log, checkpointed: r.checkpointed });
    entry.last = r.checkpointed;
  } catch (e) {
    if (e && e.code === 'SQLITE_BUSY') return;
    close(id);
    parentPort.postMessage({ type: 'failed', id, message: messageOf(e) });
  }
}
function close(id) {
  const entry = open.get(id);
  open.delete(id);
  if (!entry) return;
  clearInterval(entry.timer);
  try { entry.db.close(); } catch {}
}
parentPort.on('message', (m) => {
  if (m.type === 'remove') {
    close(m.id);
    parentPort.postMessage({ type: 'removed', id: m.id });
    return;
  }
  try {
    const db = new Database(m.file, { fileMustExist: true });
    db.pragma('synchronous = NORMAL');
    const entry = { db, last: -1 };
    entry.timer = setInterval(() => checkpoint(m.id, entry), m.periodMs);
    open.set(m.id, entry);
  } catch (e) {
    parentPort.postMessage({ type: 'failed', id: m.id, message: messageOf(e) });
  }
});
`;

type FromWorker =
  | { type: 'checkpointed'; id: number; log: number; checkpointed: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'removed'; id: number };

interface Registration {
  database: BetterSqlite3.Database;
  opts: CheckpointOptions;
  released?: () => void;
}

let worker: Worker | null = null;
let nextId = 1;
const registrations = new Map<number, Registration>();

/**
 * Moves a SQLite file's WAL checkpoints off the event loop. A checkpoint ends in fsync, a few
 * milliseconds that SQLite otherwise spends inside whichever commit crossed 1000 pages: on the
 * ring path, about one call in fifty stalled behind one (bench:ring's p99). One thread serves
 * every database of the process, each through its own connection, with PASSIVE checkpoints that
 * never block the writer. If the thread fails, the writer checkpoints as SQLite does by default.
 */
export function checkpointInBackground(
  file: string,
  database: BetterSqlite3.Database,
  opts: CheckpointOptions = {},
): BackgroundCheckpoints {
  const id = nextId++;
  registrations.set(id, { database, opts });
  database.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  thread().postMessage({ type: 'add', id, file, periodMs: opts.periodMs ?? CHECKPOINT_PERIOD_MS });
  let releasing: Promise<void> | null = null;
  return {
    release() {
      releasing ??= new Promise<void>((resolve) => {
        const registration = registrations.get(id);
        if (!registration || !worker) return resolve();
        registration.released = resolve;
        // Waiting on the thread's answer must keep the process alive; it never does otherwise.
        worker.ref();
        worker.postMessage({ type: 'remove', id });
      });
      return releasing;
    },
  };
}

function thread(): Worker {
  if (worker) return worker;
  const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { betterSqlite3 } });
  started.unref();
  started.on('message', (m: FromWorker) => onMessage(m));
  const lost = (why: string) => {
    if (worker !== started) return;
    worker = null;
    for (const id of [...registrations.keys()]) fail(id, why);
  };
  started.on('error', (error) => lost(`checkpoint thread failed: ${error.message}`));
  started.on('exit', (code) => lost(`checkpoint thread exited (${code})`));
  worker = started;
  return started;
}

function onMessage(m: FromWorker): void {
  const registration = registrations.get(m.id);
  if (!registration) return;
  if (m.type === 'checkpointed') registration.opts.onCheckpoint?.(m);
  else if (m.type === 'failed') fail(m.id, m.message);
  else finish(m.id);
}

function fail(id: number, message: string): void {
  const registration = registrations.get(id);
  if (!registration) return;
  if (registration.database.open) {
    registration.database.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
  finish(id);
  registration.opts.onFailure?.(message);
}

function finish(id: number): void {
  const registration = registrations.get(id);
  registrations.delete(id);
  registration?.released?.();
  if (![...registrations.values()].some((r) => r.released)) worker?.unref();
}
