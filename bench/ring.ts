/**
 * `npm run bench:ring`: time to ring. 100 virtual phones (one per staff member), 2,000 calls placed
 * by scripted agents; for each call, from `call:place` sent to the agent seeing `ringing` (the
 * phone's own `reported`). In the same run, the floor: one Socket.IO ack round trip, one HTTP/2
 * POST to the APNs emulator, and one more Socket.IO ack round trip, back to back, on bare servers.
 *
 * RING_BENCH_PHONES (100), RING_BENCH_CALLS (2000), RING_BENCH_AGENTS (1: one scripted agent, as the issue says; more to measure under concurrent load).
 * RING_BENCH_RING_RECORDS=off runs the server without ring records (bench/health.ts's baseline).
 * Last line: `RESULT p99_ms=<x> floor_p99_ms=<y> p50_ms=<z>`.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Server as IoServer } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  type AgentClientEvents,
  type AgentServerEvents,
  agentAuth,
  buildCallPush,
  type Call,
  request,
  systemClock,
} from '#shared';
import { createServer, hashPassword, openStorage } from '../server/src';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  signProviderToken,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';
import { first, seedAgent, seedDevice } from './seed';
import { ms, percentile, positiveEnv } from './stats';

const PHONES = positiveEnv('RING_BENCH_PHONES', 100);
const CALLS = positiveEnv('RING_BENCH_CALLS', 2000);
const AGENTS = Math.min(positiveEnv('RING_BENCH_AGENTS', 1), PHONES);
const BUNDLE = 'com.example.switchboard';

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

async function main() {
  const setup = await startServer();
  const { agents, staffIds, phones } = await seed(setup);
  process.stdout.write(`bench:ring: ${PHONES} phones, ${AGENTS} agents calling at once, ${CALLS} calls\n`);
  const latencies = await callAll(agents, staffIds);

  const floor = await measureFloor(setup.emulator, setup.key, Math.min(CALLS, 2000));
  for (const s of agents) s.close();
  for (const p of phones) await p.close();
  await setup.server.close();
  await setup.emulator.close();
  rmSync(setup.dataDir, { recursive: true, force: true });
  report(latencies, floor);
}

/**
 * The real server, on a file-backed SQLite database in WAL mode, pushing to the APNs emulator.
 * Exported, with `seed` and `callAll`, for bench/health-ring.ts, which keeps one up between rounds.
 */
export async function startServer() {
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, keys: [key], recordRequests: 0 });
  // As users run it: :memory: would hide the cost of every write.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-ring-'));
  const storage = await openStorage(`sqlite:${path.join(dataDir, 'switchboard.db')}`);
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE, clock, logger });
  const server = await createServer({
    storage,
    push,
    clock,
    logger,
    config: {
      socketRate: { burst: 1e6, perSecond: 1e6 },
      ringTimeoutMs: 60_000,
      ringRecords: process.env.RING_BENCH_RING_RECORDS !== 'off',
    },
  });
  const url = await server.listen(0);
  return { clock, key, emulator, dataDir, storage, server, url };
}

/** Agents (signed in, sockets open) and one virtual phone per staff member. */
export async function seed({ storage, clock, url, emulator }: Awaited<ReturnType<typeof startServer>>) {
  const passwordHash = await hashPassword('bench');
  const agents: AgentSocket[] = [];
  for (let a = 0; a < AGENTS; a++) {
    const token = await seedAgent(storage, `agent${a}`, passwordHash, clock.now());
    const socket = ioClient(`${url}/agent`, { auth: agentAuth(token), transports: ['websocket'] });
    await first(socket, 'roster:snapshot');
    agents.push(socket);
  }
  const staffIds: string[] = [];
  const phones: VirtualPhone[] = [];
  for (let i = 0; i < PHONES; i++) {
    const staffId = randomUUID();
    await storage.staff.create({ id: staffId, name: `Staff ${i}`, handle: null, createdAt: clock.now() });
    const credentials = await seedDevice(storage, staffId, BUNDLE, clock.now());
    const phone = new VirtualPhone({
      server: url,
      network: inProcessNetwork(emulator),
      bundleId: BUNDLE,
      clock,
      credentials,
    });
    await phone.start();
    staffIds.push(staffId);
    phones.push(phone);
  }
  return { agents, staffIds, phones };
}

/** Each agent calls its own slice of staff in turn: place → wait for ringing → hang up. */
export async function callAll(agents: AgentSocket[], staffIds: string[], calls = CALLS): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    agents.map(async (socket, a) => {
      const mine = staffIds.filter((_, i) => i % AGENTS === a);
      let k = 0;
      const waiting = new Map<string, () => void>();
      socket.on('call:changed', ({ call }: { call: Call }) => {
        if (call.state === 'ringing') waiting.get(call.id)?.();
      });
      while (next < calls) {
        next++;
        const started = performance.now();
        let ringing!: () => void;
        const rang = new Promise<void>((resolve) => {
          ringing = resolve;
        });
        const ack = await request(socket, 'call:place', { staffId: mine[k++ % mine.length]! });
        if (!ack.ok) throw new Error(`call:place failed: ${ack.error.code} ${ack.error.message}`);
        const id = ack.data.id;
        // A ringing broadcast can arrive before the ack: check the latest state we saw too.
        waiting.set(id, ringing);
        if (ack.data.state === 'ringing') ringing();
        await rang;
        latencies.push(performance.now() - started);
        waiting.delete(id);
        const hung = await request(socket, 'call:hangup', { callId: id });
        if (!hung.ok) throw new Error(`call:hangup failed: ${hung.error.code}`);
      }
    }),
  );
  return latencies;
}

function report(latencies: number[], floor: number[]): void {
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p)) as [number, number, number];
  const [f50, f99] = [50, 99].map((p) => percentile(floor, p)) as [number, number];
  process.stdout.write(`time to ring   p50 ${ms(p50)}  p95 ${ms(p95)}  p99 ${ms(p99)}\n`);
  process.stdout.write(`floor          p50 ${ms(f50)}  p99 ${ms(f99)}  (ack + APNs POST + ack, bare)\n`);
  process.stdout.write(
    `ratio to floor p50 ${(p50 / f50).toFixed(2)}  p99 ${(p99 / f99).toFixed(2)}; overhead at p99 ${ms(p99 - f99)} (target ≤ 5 ms)\n`,
  );
  process.stdout.write(
    `RESULT p99_ms=${p99.toFixed(2)} floor_p99_ms=${f99.toFixed(2)} p50_ms=${p50.toFixed(2)}\n`,
  );
}

/** The irreducible path of a ring, on bare peers: ack round trip, HTTP/2 POST, ack round trip. */
async function measureFloor(
  emulator: Awaited<ReturnType<typeof startApnsEmulator>>,
  key: ReturnType<typeof generateProviderKey>,
  samples: number,
): Promise<number[]> {
  const http = createHttpServer();
  const io = new IoServer(http);
  io.on('connection', (socket) =>
    socket.on('ping:me', (_p: unknown, ack: (v: unknown) => void) => ack({ ok: true })),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const client = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await first(client, 'connect');
  const token = 'ab'.repeat(32);
  emulator.registerDevice({ token, bundleId: BUNDLE });
  const session = connect(emulator.url, { ca: emulator.ca });
  await once(session, 'connect');
  const jwt = signProviderToken(key);
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const body = buildCallPush({
        callId: randomUUID(),
        handle: 'x',
        callerName: 'x',
        video: false,
        sentAt: Date.now(),
        ringUntil: Date.now() + 60_000,
      });
      const req = session.request({
        ':method': 'POST',
        ':path': `/3/device/${token}`,
        authorization: `bearer ${jwt}`,
        'apns-push-type': 'voip',
        'apns-topic': `${BUNDLE}.voip`,
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(Date.now() / 1000) + 60),
      });
      req.on('response', () => undefined);
      req.on('error', reject);
      req.on('end', () => resolve());
      req.resume();
      req.end(body);
    });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    // Through the same `request` as the real run, so both sides pay for its ack timeout.
    await request(client, 'ping:me', {});
    await post();
    await request(client, 'ping:me', {});
    out.push(performance.now() - started);
  }
  client.close();
  session.close();
  io.close();
  return out;
}

// Run as a script only: bench/health-ring.ts imports the parts above.
if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`bench:ring failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
