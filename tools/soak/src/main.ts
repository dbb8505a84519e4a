/**
 * `npm run soak`: SOAK_CALLS calls (10,000) against the real server in a child process on a
 * file-backed SQLite database, with scripted agents, virtual phones and the APNs emulator, while
 * faults are injected everywhere: APNs throttles, fails, sends GOAWAY, cuts and stalls; phones drop
 * their network mid-call, go offline, repeat and reorder reports, race each other to answer; the
 * server is killed with SIGKILL and started again on the same port every SOAK_RESTART_EVERY calls.
 * Then the invariants (check.ts) are checked from the database, the phones and /metrics.
 *
 * SOAK_SEED replays a run's choices (printed first). SOAK_AGENTS (16), SOAK_STAFF (40),
 * SOAK_APNS_FAULT_MS (150: the mean time between APNs faults, each for one to three pushes),
 * SOAK_APNS_FAULTS (throttle,status,goaway,drop,delay: the kinds injected),
 * SOAK_SETTLE_MS (45,000: the wind-down's wait for the last rings and cancels),
 * SOAK_KEEP=1 keeps the data folder (kept anyway when an invariant broke).
 * Last line: `RESULT calls=<n> terminal=<n> stuck=<n> lost=<n> cancels_missing=<n>`; exit code 1
 * when any invariant broke.
 */
import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashPassword, hashSecret, newSecret, openStorage, type Storage } from '../../../server/src';
import { generateProviderKey, startApnsEmulator } from '../../apns-emulator/src';
import type { VirtualPhone } from '../../virtual-companion/src';
import { type Budget, ScriptedAgent } from './agents';
import { ApnsFaults, FAULT_KINDS } from './apns-faults';
import { checkCallbacks } from './callbacks';
import { allCalls, callsInMetrics, checkInvariants, type Verdict } from './check';
import { BUNDLE_ID, type PushLog, seedStaff, startPhones } from './fleet';
import { PhoneChaos } from './phone-chaos';
import { createRandom } from './random';
import { freePort, ServerProcess } from './server-process';
import { TransferGoals, transferOutcomes } from './transfers';

const positive = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return n;
};

const CALLS = positive('SOAK_CALLS', 10_000);
const SEED = positive('SOAK_SEED', randomInt(1, 2 ** 31));
const RESTART_EVERY = positive('SOAK_RESTART_EVERY', CALLS >= 6_000 ? 3_000 : Math.ceil(CALLS / 2));
const AGENTS = positive('SOAK_AGENTS', 16);
const STAFF = positive('SOAK_STAFF', 40);
/** An APNs fault (for the next one to three pushes) every this many ms on average. */
const APNS_FAULT_MS = positive('SOAK_APNS_FAULT_MS', 150);
const APNS_FAULT_KINDS = new Set(
  (process.env.SOAK_APNS_FAULTS ?? FAULT_KINDS.join(',')).split(',').map((k) => {
    const kind = FAULT_KINDS.find((f) => f === k.trim());
    if (!kind) throw new Error(`SOAK_APNS_FAULTS: "${k}" is none of ${FAULT_KINDS.join(', ')}`);
    return kind;
  }),
);
/** Short, so unanswered calls and vanished parties end within the run. */
const RING_TIMEOUT = '2s';
const RECONNECT_GRACE = '2s';
/** How long the wind-down waits for every call, phone and cancel to settle (SOAK_SETTLE_MS). */
const SETTLE_MS = positive('SOAK_SETTLE_MS', 45_000);

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  // Every delayed APNs answer waits on the emulator's one closing signal: hundreds at once here.
  setMaxListeners(10_000);
  say(`soak: seed ${SEED} (replay with SOAK_SEED=${SEED}), ${CALLS} calls, kill -9 every ${RESTART_EVERY}`);
  const random = createRandom(SEED);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-soak-'));
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, keys: [key], recordRequests: 0 });
  await writeFile(path.join(dir, 'apns-key.p8'), key.privateKeyPem);
  await writeFile(path.join(dir, 'apns-ca.pem'), emulator.ca);
  const dbUrl = `sqlite:${path.join(dir, 'switchboard.db')}`;
  const seeded = await seed(dbUrl, random);

  const server = new ServerProcess(
    await freePort(),
    [
      ['--data-dir', dir],
      ['--log-level', 'warn'],
      ['--apns-key', path.join(dir, 'apns-key.p8')],
      ['--apns-key-id', key.keyId],
      ['--apns-team-id', key.teamId],
      ['--apns-bundle-id', BUNDLE_ID],
      ['--apns-endpoint', `127.0.0.1:${emulator.port}`],
      ['--apns-ca', path.join(dir, 'apns-ca.pem')],
      ['--ring-timeout', RING_TIMEOUT],
      ['--reconnect-grace', RECONNECT_GRACE],
    ].flat(),
    path.join(dir, 'server.log'),
  );
  await server.start();

  const started = new Set<string>();
  const budget: Budget = {
    remaining: () => CALLS - started.size,
    started: (id) => void started.add(id),
  };
  const pushes: PushLog = { rung: new Map(), cancelled: new Map() };
  const races = { lost: 0 };
  const staff = await startPhones(
    {
      url: server.url,
      emulator,
      log: pushes,
      races,
      random,
      faults: { duplicateReports: 0.1, reorderReports: 0.1 },
    },
    seeded.staff,
  );
  const phones = staff.flatMap((s) => s.phones);
  const staffIds = staff.map((s) => s.staffId);
  const goals = new TransferGoals();
  const agents = seeded.agents.map(
    (a) => new ScriptedAgent(a.id, a.token, server.url, random.fork(), budget, staffIds, goals),
  );
  const apnsFaults = new ApnsFaults(emulator, random.fork(), APNS_FAULT_MS, APNS_FAULT_KINDS);
  const chaos = new PhoneChaos(phones, random.fork(), budget);
  say(
    `soak: ${phones.length} phones of ${staff.length} staff members, ${agents.length} agents, server on ${server.url}`,
  );

  const t0 = Date.now();
  apnsFaults.start();
  chaos.start();
  const runs = Promise.all(agents.map((a) => a.run()));
  const restarts: string[] = [];
  for (let next = RESTART_EVERY; next < CALLS; next += RESTART_EVERY) {
    while (started.size < next) await sleep(20);
    const down = Date.now();
    await server.kill9();
    await server.start();
    restarts.push(`${started.size} calls (down ${Date.now() - down} ms)`);
    say(`soak: kill -9 and restart after ${restarts.at(-1)}`);
  }
  await runs;
  const traffic = Date.now() - t0;

  // Wind-down: no new trouble, everyone ends what they hold, then wait for the dust to settle.
  apnsFaults.stop();
  await chaos.stop();
  await Promise.all([...agents.map((a) => a.finish()), chaos.hangUpAll()]);
  const phoneIds = phones.map((phone) => ({ phone, deviceId: phone.credentials!.deviceId }));
  const acked = new Set([...agents.flatMap((a) => [...a.acked]), ...chaos.acked]);
  const storage = await openStorage(dbUrl);
  let callbacks = '';
  const verdict = await settle(async () => {
    const calls = await allCalls(storage);
    const found = checkInvariants({
      calls,
      acked,
      phones: phoneIds,
      pushes,
      metrics: callsInMetrics(await (await fetch(`${server.url}/metrics`)).text()),
      since: server.startedAt,
    });
    // Issue 24 item 4: every unanswered call counted on a callback, none left open once answered.
    const queue = checkCallbacks(calls, await storage.callbacks.all());
    callbacks = queue.summary;
    found.findings.push(...queue.findings);
    found.lost += queue.findings.filter((f) => f.invariant === 'lost').length;
    found.stuck += queue.findings.filter((f) => f.invariant === 'stuck').length;
    return found;
  });
  const transfers = transferOutcomes(await allCalls(storage));
  await storage.close();

  report({ verdict, traffic, restarts, apnsFaults, chaos, phones, agents, races, transfers, callbacks });
  const clean = verdict.stuck + verdict.lost + verdict.cancelsMissing === 0 && verdict.metricsEqual;
  for (const a of agents) a.close();
  await Promise.all(phones.map((p) => p.close()));
  const exit = await server.stop();
  await server.close();
  await emulator.close();
  if (exit !== 0) say(`soak: the server exited with ${exit} on SIGTERM`);
  if (clean && exit === 0 && process.env.SOAK_KEEP !== '1') await rm(dir, { recursive: true, force: true });
  else {
    await writeFile(path.join(dir, 'findings.json'), JSON.stringify(verdict.findings, null, 2));
    say(`soak: data, server log and findings.json kept in ${dir}`);
  }
  say(
    `RESULT calls=${verdict.calls} terminal=${verdict.terminal} stuck=${verdict.stuck} lost=${verdict.lost} cancels_missing=${verdict.cancelsMissing}`,
  );
  return clean && exit === 0 ? 0 : 1;
}

/** Migrates, then writes the staff, their phones and the agents (with sessions) straight in. */
async function seed(dbUrl: string, random: ReturnType<typeof createRandom>) {
  const storage: Storage = await openStorage(dbUrl);
  try {
    await storage.migrate();
    const staff = await seedStaff(storage, STAFF, random);
    const passwordHash = await hashPassword('soak');
    const agents = [];
    for (let i = 0; i < AGENTS; i++) {
      const id = `agt_soak_${i + 1}`;
      await storage.agents.create({ id, name: `soak${i + 1}`, passwordHash, createdAt: Date.now() });
      const token = newSecret();
      const now = Date.now();
      await storage.sessions.create({
        tokenHash: hashSecret(token),
        agentId: id,
        createdAt: now,
        expiresAt: now + 86_400_000,
      });
      agents.push({ id, token });
    }
    return { staff, agents };
  } finally {
    await storage.close();
  }
}

/** Checks until every invariant holds or SETTLE_MS passes (rings time out, cancels retry meanwhile). */
async function settle(check: () => Promise<Verdict>): Promise<Verdict> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const verdict = await check();
    const clean = verdict.stuck + verdict.lost + verdict.cancelsMissing === 0 && verdict.metricsEqual;
    if (clean || Date.now() >= deadline) return verdict;
    await sleep(500);
  }
}

function report(o: {
  verdict: Verdict;
  traffic: number;
  restarts: string[];
  apnsFaults: ApnsFaults;
  chaos: PhoneChaos;
  phones: VirtualPhone[];
  agents: ScriptedAgent[];
  races: { lost: number };
  /** Transfers by kind and how they ended, from the database. */
  transfers: Map<string, number>;
  /** The callbacks queue at the end, from the database. */
  callbacks: string;
}): void {
  const { verdict } = o;
  const sum = (pick: (p: (typeof o.phones)[number]) => number) => o.phones.reduce((n, p) => n + pick(p), 0);
  const refusals = new Map<string, number>();
  for (const a of o.agents) for (const [k, v] of a.refusals) refusals.set(k, (refusals.get(k) ?? 0) + v);
  const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  say(
    `soak: ${verdict.calls} calls in ${(o.traffic / 1000).toFixed(1)} s (${((verdict.calls * 1000) / o.traffic).toFixed(1)}/s)`,
  );
  say(`soak: outcomes: ${list(verdict.outcomes)}`);
  say(`soak: transfers: ${list(o.transfers)}`);
  const worked = new Map<string, number>();
  for (const a of o.agents) for (const [k, v] of a.callbacks.done) worked.set(k, (worked.get(k) ?? 0) + v);
  say(`soak: callbacks: ${o.callbacks}; agents ${list(worked)}`);
  say(`soak: kill -9 and restart: ${o.restarts.length ? o.restarts.join('; ') : 'none'}`);
  say(`soak: APNs faults injected (${o.apnsFaults.total()}): ${list(o.apnsFaults.injected)}`);
  say(
    `soak: phone faults: ${sum((p) => p.injected.drops)} network drops (${o.chaos.counts.midCallDrops} mid-call), ` +
      `${o.chaos.counts.offline} offline spells, ${sum((p) => p.injected.duplicates)} duplicated reports, ` +
      `${sum((p) => p.injected.reordered)} reordered, ${o.races.lost} answers that lost a race to another phone; ` +
      `${o.chaos.counts.placed} calls placed by phones (${o.chaos.counts.placeRefused} refused)`,
  );
  say(
    `soak: agents' refusals: ${list(refusals)}; calls an agent gave up ending: ${o.agents.reduce((n, a) => n + a.gaveUp, 0)}`,
  );
  say(`soak: metrics equal to the database since the last start: ${verdict.metricsEqual ? 'yes' : 'NO'}`);
  for (const f of verdict.findings.slice(0, 20)) {
    say(`FINDING ${f.invariant} call ${f.callId}${f.deviceId ? ` phone ${f.deviceId}` : ''}: ${f.detail}`);
  }
  if (verdict.findings.length > 20) say(`soak: … and ${verdict.findings.length - 20} more findings`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
