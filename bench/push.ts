/**
 * `npm run bench:push`: VoIP pushes per second through the push gateway against the
 * same pushes through a bare node:http2 client, both to one APNs emulator running in a child
 * process. The last line is `RESULT ratio=<gateway/bare> cpu_ratio=<bare/gateway>`: the throughput
 * ratio is the median over rounds of the two clients' rates in the same round; cpu_ratio compares
 * this process's CPU time per push (user + system) under each client, which other load on the
 * machine changes much less than throughput. The target is a ratio of at least 0.9 (issue 23).
 *
 * PUSH_BENCH_COUNT (default 20000) pushes per client, PUSH_BENCH_CONCURRENCY (default 200) in flight.
 * The two clients take turns in rounds, so that other load on the machine weighs on both alike.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:http2';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { buildCallPush, systemClock } from '#shared';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  signProviderToken,
} from '../tools/apns-emulator/src';
import { positiveEnv } from './stats';

const COUNT = positiveEnv('PUSH_BENCH_COUNT', 20_000);
const CONCURRENCY = positiveEnv('PUSH_BENCH_CONCURRENCY', 200);
const WARMUP = Math.min(1000, COUNT);
const BUNDLE = 'com.example.switchboard';
const ROOT = path.resolve(import.meta.dirname, '..');

/** Runs `count` jobs with `concurrency` in flight; returns each job's latency in ms. */
async function pool(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies = new Array<number>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      await job(i);
      latencies[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return latencies;
}

/**
 * Many short rounds rather than a few long ones: load from the rest of the machine comes and goes
 * within seconds, and a round pair (A then B, or B then A) meets about the same load.
 */
const ROUNDS = Math.min(20, COUNT);

interface Tally {
  label: string;
  pushes: number;
  seconds: number;
  /** CPU time of this process (user + system) while the client's rounds ran, µs. */
  cpuUs: number;
  /** CPU time of the emulator's process meanwhile, µs. */
  emulatorCpuUs: number;
  latencies: number[];
  /** Pushes per second in each round. */
  roundRates: number[];
}

/** The CPU time (user + system, µs) a process has used so far. */
export type CpuProbe = () => Promise<number>;
const ownCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Runs both clients in alternating rounds (A B, B A, A B, …) so that whatever else the machine is
 * doing weighs on both alike; each client still sends COUNT pushes in all.
 */
async function compare(
  a: { label: string; job: (i: number) => Promise<void> },
  b: { label: string; job: (i: number) => Promise<void> },
  emulatorCpu: CpuProbe,
): Promise<[Tally, Tally]> {
  const tallies: Tally[] = [a, b].map((c) => ({
    label: c.label,
    pushes: 0,
    seconds: 0,
    cpuUs: 0,
    emulatorCpuUs: 0,
    latencies: [],
    roundRates: [],
  }));
  for (const c of [a, b]) await pool(WARMUP, CONCURRENCY, c.job);
  for (let round = 0; round < ROUNDS; round++) {
    const n = Math.floor(COUNT / ROUNDS) + (round < COUNT % ROUNDS ? 1 : 0);
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const emulatorBefore = await emulatorCpu();
      const cpuBefore = ownCpu();
      const started = performance.now();
      const latencies = await pool(n, CONCURRENCY, [a, b][which]!.job);
      const t = tallies[which]!;
      const seconds = (performance.now() - started) / 1000;
      t.seconds += seconds;
      t.roundRates.push(n / seconds);
      t.cpuUs += ownCpu() - cpuBefore;
      t.emulatorCpuUs += (await emulatorCpu()) - emulatorBefore;
      t.pushes += n;
      t.latencies.push(...latencies);
    }
  }
  for (const t of tallies) {
    t.latencies.sort((x, y) => x - y);
    const at = (q: number) =>
      t.latencies[Math.min(t.latencies.length - 1, Math.floor(q * t.latencies.length))]!;
    process.stdout.write(
      `${t.label.padEnd(20)} ${t.pushes} pushes in ${t.seconds.toFixed(2)} s → ${rate(t).toFixed(0)} pushes/s ` +
        `(latency p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms; CPU per push ` +
        `${cpuPerPush(t).toFixed(1)} µs here, ${(t.emulatorCpuUs / t.pushes).toFixed(1)} µs in the emulator)\n`,
    );
  }
  return tallies as [Tally, Tally];
}

const rate = (t: Tally) => t.pushes / t.seconds;
/** The median over rounds of gateway/bare in the same round: a load spike in one round weighs little. */
const pairedRatio = (a: Tally, b: Tally) => {
  const ratios = a.roundRates.map((r, i) => r / b.roundRates[i]!).sort((x, y) => x - y);
  const mid = ratios.length / 2;
  return ratios.length % 2 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
};
const cpuPerPush = (t: Tally) => t.cpuUs / t.pushes;

async function startEmulator(key: { keyId: string; teamId: string; publicKeyPem: string }) {
  const child: ChildProcess = fork(path.join(ROOT, 'bench/emulator-process.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PROVIDER_KEY: JSON.stringify(key) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the emulator process exited (${code}) before it was ready`);
    }),
  ])) as [{ port: number; ca: string }];
  return { child, ...ready };
}

type BenchPayload = { callId: string; payload: string; deadline: number };

/** A bare HTTP/2 client: one session, the headers the gateway sends, a provider token signed once. */
function bareClient(
  emulator: { port: number; ca: string },
  key: ReturnType<typeof generateProviderKey>,
  tokens: string[],
  payloads: BenchPayload[],
  fail: () => void,
) {
  const session = connect(`https://127.0.0.1:${emulator.port}`, { ca: emulator.ca });
  session.on('error', (err) => process.stderr.write(`bare client session error: ${err.message}\n`));
  const authorization = `bearer ${signProviderToken(key)}`;
  const bareJob = (i: number) => {
    const p = payloads[i % payloads.length]!;
    return new Promise<void>((resolve) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': `/3/device/${tokens[i % tokens.length]}`,
        authorization,
        'apns-push-type': 'voip',
        'apns-topic': `${BUNDLE}.voip`,
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(p.deadline / 1000)),
        'apns-collapse-id': p.callId,
        'apns-id': randomUUID(),
      });
      let status = 0;
      stream.on('response', (h) => {
        status = Number(h[':status']);
      });
      stream.on('data', () => {});
      stream.on('close', () => {
        if (status !== 200) fail();
        resolve();
      });
      stream.end(p.payload);
    });
  };
  return { job: bareJob, close: () => session.close() };
}

async function main() {
  const key = generateProviderKey();
  const emulator = await startEmulator(key);
  process.stdout.write(
    `APNs emulator in process ${emulator.child.pid} on 127.0.0.1:${emulator.port}; ` +
      `${COUNT} pushes per client in ${ROUNDS} alternating rounds, ${CONCURRENCY} in flight, ` +
      `${WARMUP} warm-up pushes each first\n`,
  );
  const tokens = Array.from({ length: 1000 }, () => randomBytes(32).toString('hex'));
  const now = Date.now();
  const payloads = Array.from({ length: 100 }, () => {
    const callId = randomUUID();
    const payload = buildCallPush({
      callId,
      handle: '+15551234567',
      callerName: 'Support · Alice',
      video: false,
      sentAt: now,
      ringUntil: now + 3_600_000,
    });
    return { callId, payload, deadline: now + 3_600_000 };
  });
  let failures = 0;

  // 1. Through the gateway: provider token, classification, onAttempt, retry policy (nothing to retry here).
  const gateway = createEmulatorPushGateway(emulator, key, {
    bundleId: BUNDLE,
    requestTimeoutMs: 30_000,
    clock: systemClock(),
    logger: pino({ level: 'silent' }),
  });
  const gatewayJob = async (i: number) => {
    const p = payloads[i % payloads.length]!;
    const result = await gateway.send({
      deviceId: 'bench',
      token: tokens[i % tokens.length]!,
      environment: 'sandbox',
      kind: 'call',
      payload: p.payload,
      collapseId: p.callId,
      deadline: p.deadline,
      onAttempt: () => {},
    });
    if (result.outcome !== 'accepted') failures++;
  };

  // 2. A bare HTTP/2 client: one session, the same headers, a provider token signed once.
  const bare = bareClient(emulator, key, tokens, payloads, () => failures++);
  const bareJob = bare.job;

  const emulatorCpu: CpuProbe = async () => {
    const answer = once(emulator.child, 'message') as Promise<[{ cpuUs: number }]>;
    emulator.child.send('cpu');
    return (await answer)[0].cpuUs;
  };
  const [viaGateway, viaBare] = await compare(
    { label: 'gateway', job: gatewayJob },
    { label: 'bare node:http2', job: bareJob },
    emulatorCpu,
  );
  await gateway.close();
  bare.close();

  emulator.child.send('close');
  await once(emulator.child, 'exit');
  if (failures > 0) process.stdout.write(`WARNING: ${failures} pushes were not accepted\n`);
  const ratio = pairedRatio(viaGateway, viaBare);
  process.stdout.write(
    `gateway ${rate(viaGateway).toFixed(0)} pushes/s, bare ${rate(viaBare).toFixed(0)} pushes/s ` +
      `(${(rate(viaGateway) / rate(viaBare)).toFixed(3)} over all rounds, ${ratio.toFixed(3)} the median round); ` +
      `client CPU per push ${cpuPerPush(viaGateway).toFixed(1)} µs vs ${cpuPerPush(viaBare).toFixed(1)} µs\n` +
      `RESULT ratio=${ratio.toFixed(3)} cpu_ratio=${(cpuPerPush(viaBare) / cpuPerPush(viaGateway)).toFixed(3)}\n`,
  );
}

await main();
