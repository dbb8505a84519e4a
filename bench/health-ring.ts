/**
 * bench:ring's p50 with ring records on and off (bench/health.ts): one worker process of each
 * kind, each with bench:ring's server, phones and agent, kept up for the whole run, and rounds of
 * calls alternating between them (off, on, on, off, …), so that both sample the machine's load
 * alike. Separate runs of bench:ring took the p50 from 3 to 18 ms from one run to the next on this
 * shared machine, more than any difference between the two.
 *
 * The parent side is `ringP50`; a worker is this file run with `worker` (RING_BENCH_RING_RECORDS
 * says which kind it is), answering `{calls}` with its latencies over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callAll, seed, startServer } from './ring';
import { ms, percentile } from './stats';

type Records = 'on' | 'off';

/**
 * The p50 of each side over every call, the median of the rounds' p50 ratios (on / off), and the
 * ratio of the quietest rounds' p50s (on this shared machine a round's p50 moves from 2 to 15 ms
 * with the load, more than recording could).
 */
export async function ringP50(rounds: number, calls: number) {
  const workers = await Promise.all((['off', 'on'] as const).map(startWorker));
  const [off, on] = workers as [Worker, Worker];
  try {
    const all: Record<Records, number[]> = { on: [], off: [] };
    const p50s: Record<Records, number[]> = { on: [], off: [] };
    const ratios: number[] = [];
    // Not counted: the first calls of each run while the JIT compiles.
    for (const w of workers) await w.run(calls);
    for (let round = 0; round < rounds; round++) {
      const p50: Record<Records, number> = { on: 0, off: 0 };
      for (const w of round % 2 === 0 ? [off, on] : [on, off]) {
        const latencies = await w.run(calls);
        all[w.records].push(...latencies);
        p50[w.records] = percentile(latencies, 50);
        p50s[w.records].push(p50[w.records]);
      }
      ratios.push(p50.on / p50.off);
      process.stdout.write(
        `  ring round ${round + 1}/${rounds}: p50 off ${ms(p50.off)}, on ${ms(p50.on)} (${(p50.on / p50.off).toFixed(3)})\n`,
      );
    }
    // The quietest rounds (each side's 10th percentile of its rounds' p50s): what load leaves alone.
    const quiet = percentile(p50s.on, 10) / percentile(p50s.off, 10);
    return {
      on: percentile(all.on, 50),
      off: percentile(all.off, 50),
      ratio: percentile(ratios, 50),
      quiet,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

interface Worker {
  records: Records;
  run(calls: number): Promise<number[]>;
  stop(): Promise<void>;
}

async function startWorker(records: Records): Promise<Worker> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['worker'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RING_BENCH_RING_RECORDS: records },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const next = () =>
    Promise.race([
      once(child, 'message').then(([m]) => m as { latencies?: number[] }),
      exited.then(([code]) => {
        throw new Error(`the ring worker (records ${records}) exited (${code})`);
      }),
    ]);
  await next(); // ready
  return {
    records,
    async run(calls) {
      child.send({ calls });
      return (await next()).latencies ?? [];
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ stop: true });
      await exited;
    },
  };
}

async function worker(): Promise<void> {
  const setup = await startServer();
  const { agents, staffIds, phones } = await seed(setup);
  process.on('message', (m: { calls?: number; stop?: boolean }) => {
    if (m.stop) {
      void (async () => {
        for (const s of agents) s.close();
        for (const p of phones) await p.close();
        await setup.server.close();
        await setup.emulator.close();
        rmSync(setup.dataDir, { recursive: true, force: true });
        process.exit(0);
      })();
      return;
    }
    void callAll(agents, staffIds, m.calls).then(
      (latencies) => process.send!({ latencies }),
      (err: Error) => {
        process.stderr.write(`ring worker: ${err.stack}\n`);
        process.exit(1);
      },
    );
  });
  process.send!({ ready: true });
}

if (process.argv[2] === 'worker') await worker();
