/**
 * `npx tsx bench/setup-anatomy.ts [sqlite|postgres] [SETUPS] [CONSOLES]`: what one call setup costs a single
 * server, counted rather than timed. One server in this process (its database SQLite in a temp
 * folder, or a fresh schema on scripts/postgres.sh's PostgreSQL), the APNs emulator, and consoles
 * and phones as bench:cluster has them (cluster-clients.ts), running SETUPS setups (default 400:
 * place → reported, answered, connected → active → hang up), by CONSOLES consoles each calling its
 * own phone (default 4; bench:cluster has 20). Prints per setup: database statements by kind and
 * transactions, Socket.IO packets encoded and the bytes of JSON they carried, the server's socket
 * writes (system calls) by peer, APNs requests, log lines, and this process's CPU (server and
 * clients together: compare runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { systemClock } from '#shared';
import { createServer, hashPassword, openStorage } from '../server/src';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { BenchAgent, BenchPhone } from './cluster-clients';
import { Cleanup, freshSchema, leasePostgres } from './cluster-infra';
import { emptySetup, setupCalls } from './cluster-phases';
import { seedAgent, seedDevice } from './seed';
import { positiveEnv } from './stats';

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
if (process.argv[3]) process.env.ANATOMY_SETUPS = process.argv[3];
const SETUPS = positiveEnv('ANATOMY_SETUPS', 400);
if (process.argv[4]) process.env.ANATOMY_CONSOLES = process.argv[4];
const PAIRS = positiveEnv('ANATOMY_CONSOLES', 4);

const counts = new Map<string, number>();
const count = (key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
const statementKind = (sql: string) => {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '?';
  if (['begin', 'commit', 'rollback', 'savepoint', 'release'].includes(word)) return `tx ${word}`;
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(sql)?.[1] ?? '?';
  return `sql ${word} ${table}`;
};

/** Which of the server's own frames (outside storage/) asked for a statement: async stacks reach it. */
const who = () => {
  Error.stackTraceLimit = 50;
  const frames = (new Error().stack ?? '')
    .split('\n')
    .filter((l) => l.includes('/server/src/') && !l.includes('/storage/'));
  return (
    frames
      .slice(0, 2)
      .map((l) => /at (?:async )?(\S+)/.exec(l)?.[1] ?? '?')
      .join(' < ') || '?'
  );
};

// Counted where every statement passes, whatever issued it.
const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string };
  count(statementKind(typeof q === 'string' ? q : (q?.text ?? '')));
  return pgQuery.apply(this, args);
} as typeof pg.Client.prototype.query;
const sqlitePrepare = BetterSqlite3.prototype.prepare;
BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, sql: string) {
  const statement = sqlitePrepare.call(this, sql);
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statement[method].bind(statement) as (...a: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
      count(statementKind(sql));
      if (process.env.ANATOMY_WHO) count(`${statementKind(sql)} ← ${who()}`);
      return original(...a);
    };
  }
  return statement;
} as typeof BetterSqlite3.prototype.prepare;
// socket.io loads the parser's CommonJS build: count there, not in the ES module's copy.
const parser = createRequire(import.meta.url)('socket.io-parser') as {
  Encoder: { prototype: { encode(packet: unknown): unknown[] } };
};
const encode = parser.Encoder.prototype.encode;
parser.Encoder.prototype.encode = function (this: unknown, packet: unknown) {
  const out = encode.call(this, packet);
  count('socket.io packets encoded');
  const { data } = packet as { data?: unknown[] };
  // Events by name (an ack has none): which broadcasts a setup sends.
  count(`  of which ${typeof data?.[0] === 'string' ? data[0] : 'acks'}`);
  // ANATOMY_CALLS=1: each call:changed by namespace and the state of the call it carries.
  if (process.env.ANATOMY_CALLS && data?.[0] === 'call:changed') {
    const { nsp } = packet as { nsp?: string };
    const call = (data[1] as { call?: { state?: string; pushes?: unknown[] } }).call;
    count(`    ${nsp} ${call?.state} (pushes ${call?.pushes?.length ?? 0})`);
  }
  count(
    'socket.io JSON bytes encoded',
    out.reduce((n: number, p: unknown) => n + String(p).length, 0),
  );
  return out;
};

/**
 * Every write to a socket is a system call (writev), the largest share of a setup's CPU in the
 * profiles: counted by who is on the other end, for the server's sockets only (`serverPort` is
 * known once it listens; the clients' own writes go to it).
 */
let serverPort = 0;
const peers = new Map<number, string>();
const socketWrite = (socket: net.Socket) => {
  if (serverPort === 0) return;
  if (socket.remotePort === serverPort) return; // a client of this process writing to the server
  const peer =
    socket.localPort === serverPort ? 'Socket.IO clients' : (peers.get(socket.remotePort ?? 0) ?? 'other');
  count(`socket writes: ${peer}`);
};
// Both write paths of a net.Socket (_write and _writev) end in _writeGeneric.
const sockets = net.Socket.prototype as unknown as { _writeGeneric: (...a: unknown[]) => unknown };
const writeGeneric = sockets._writeGeneric;
sockets._writeGeneric = function (this: net.Socket, ...a: unknown[]) {
  socketWrite(this);
  return writeGeneric.apply(this, a);
};

async function main(cleanup: Cleanup) {
  const clock = systemClock();
  let url: string;
  if (engine === 'postgres') {
    url = (await freshSchema(await leasePostgres(cleanup), 'anatomy', cleanup)).url;
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-anatomy-'));
    cleanup.add('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
    url = `sqlite:${path.join(dir, 'switchboard.db')}`;
  }
  const storage = await openStorage(url);
  await storage.migrate();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ keys: [key], acceptUnknownTokens: true, recordRequests: 0 });
  cleanup.add('emulator', () => emulator.close());
  const lines = new Writable({
    write: (_c, _e, done) => {
      count('log lines');
      done();
    },
  });
  const logger = pino({ level: 'info' }, lines);
  const push = createEmulatorPushGateway(emulator, key, {
    bundleId: 'com.example.switchboard',
    clock,
    logger,
  });
  const pushSend = push.send.bind(push);
  push.send = (req) => {
    count('APNs requests');
    return pushSend(req);
  };
  const server = await createServer({
    storage,
    clock,
    logger,
    push,
    config: { socketRate: { burst: 1e6, perSecond: 1e6 } },
  });
  const base = await server.listen(0, '127.0.0.1');
  serverPort = Number(new URL(base).port);
  peers.set(emulator.port, 'APNs');
  if (engine === 'postgres') peers.set(Number(new URL(url).port), 'PostgreSQL');
  cleanup.add('server', () => server.close());
  const hash = await hashPassword('x');
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    const staffId = `staff-${i}`;
    await storage.staff.create({ id: staffId, name: `Staff ${i}`, handle: null, createdAt: clock.now() });
    const device = await seedDevice(storage, staffId, 'com.example.switchboard', clock.now());
    const token = await seedAgent(storage, `agent${i}`, hash, clock.now());
    const agent = await BenchAgent.connect(base, token);
    const phone = await BenchPhone.connect(base, device.deviceId, device.deviceSecret);
    cleanup.add('clients', async () => {
      agent.close();
      phone.close();
    });
    pairs.push({ agent, phone, staffId });
  }
  await setupCalls(pairs, 2, 'warm-up');
  await server.idle();
  counts.clear();
  const cpu = process.cpuUsage();
  const out = emptySetup();
  while (out.completed < SETUPS) await setupCalls(pairs, 1, 'setups', out);
  await server.idle();
  const used = process.cpuUsage(cpu);
  const n = out.completed;
  process.stdout.write(`setup-anatomy (${engine}): ${n} setups by ${PAIRS} consoles, each one:\n`);
  for (const [what, total] of [...counts].sort())
    process.stdout.write(`  ${(total / n).toFixed(2).padStart(9)}  ${what}\n`);
  process.stdout.write(
    `  ${((used.user + used.system) / 1000 / n).toFixed(2).padStart(9)}  ms CPU (server and clients)\n`,
  );
}

const cleanup = new Cleanup();
main(cleanup).then(
  () => cleanup.runAll().then(() => process.exit(0)),
  (error: Error) => {
    process.stderr.write(`setup-anatomy: ${error.stack}\n`);
    void cleanup.runAll().then(() => process.exit(1));
  },
);
