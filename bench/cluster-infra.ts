/**
 * What bench/cluster.ts runs on: a cleanup list that also runs on Ctrl-C, the test PostgreSQL
 * cluster (scripts/postgres.sh, leased for this run) with a schema per topology, the APNs emulator
 * in its own process, and call-server nodes as child processes (the real CLI, scripts/server.ts).
 */
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** Undo steps, newest first; `add` returns a function that runs one step early (and only once). */
export class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<void> }[] = [];
  /** Set once everything is being torn down: nodes then complain of what went first, which is noise. */
  closing = false;

  add(name: string, fn: () => Promise<void>): () => Promise<void> {
    const step = { name, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await fn();
    };
  }

  async runAll(): Promise<void> {
    this.closing = true;
    for (const step of this.steps.splice(0).reverse()) {
      await step
        .fn()
        .catch((e: unknown) => process.stderr.write(`bench:cluster: cleanup ${step.name}: ${e}\n`));
    }
  }
}

/** The loopback PostgreSQL of scripts/postgres.sh (installed and started if need be), leased by this pid. */
export async function leasePostgres(cleanup: Cleanup): Promise<string> {
  const script = path.join(ROOT, 'scripts/postgres.sh');
  const pid = String(process.pid);
  cleanup.add('PostgreSQL lease', () => run('bash', [script, 'release', pid]).then(() => undefined));
  const { stdout } = await run('bash', [script, 'start', '--lease', pid], { timeout: 600_000 });
  return stdout.trim().split('\n').pop()!;
}

/**
 * An empty schema, named as the tests name theirs (sbt_<pid>_…) so that the next test run drops it
 * if this process dies without cleaning up; the URL selects it through search_path.
 */
export async function freshSchema(
  base: string,
  label: string,
  cleanup: Cleanup,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `sbt_${process.pid}_bench_${label}`;
  const drop = cleanup.add(`schema ${schema}`, () =>
    admin(base, `drop schema if exists "${schema}" cascade`),
  );
  await admin(base, `drop schema if exists "${schema}" cascade; create schema "${schema}"`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** bench/emulator-process.ts: the APNs emulator off this process's event loop. */
export async function startEmulator(
  key: { keyId: string; teamId: string; publicKeyPem: string },
  cleanup: Cleanup,
): Promise<{ port: number; ca: string }> {
  const child: ChildProcess = fork(path.join(ROOT, 'bench/emulator-process.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PROVIDER_KEY: JSON.stringify(key) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanup.add('APNs emulator', () => stopChild(child, () => child.connected && child.send('close')));
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the APNs emulator process exited (${code}) before it was ready`);
    }),
  ])) as [{ port: number; ca: string }];
  return ready;
}

export interface NodeProcess {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop: () => Promise<void>;
}

/**
 * A call-server node on `port`. Resolves once it prints `Console:`; any output after that is
 * passed on with a tag (warnings, errors). `onCrash` hears of an exit nobody asked for.
 */
export function startNode(
  tag: string,
  port: number,
  args: string[],
  cleanup: Cleanup,
  onCrash: (error: Error) => void,
  /** The source tree whose server runs (bench/revisions.ts runs another revision's beside this one). */
  root = ROOT,
): Promise<NodeProcess> {
  // CLUSTER_BENCH_CPU_PROF=DIR: each node writes a V8 CPU profile there when it stops.
  const profile = process.env.CLUSTER_BENCH_CPU_PROF;
  const profiling = profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profile)] : [];
  // CLUSTER_BENCH_PG_COUNT=DIR: each node counts its PostgreSQL queries there (bench/pg-count.ts).
  const countDir = process.env.CLUSTER_BENCH_PG_COUNT;
  const counting = countDir ? ['--import', path.join(ROOT, 'bench/pg-count.ts')] : [];
  const child = spawn(
    process.execPath,
    [
      ...profiling,
      '--import',
      'tsx',
      ...counting,
      path.join(root, 'scripts/server.ts'),
      '--port',
      String(port),
      // One console places calls back to back on one socket: the bench measures the cluster, not the limiter.
      '--socket-rate',
      '1000000',
      ...args,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SWITCHBOARD_REDIS: undefined,
        ...(countDir ? { CLUSTER_BENCH_PG_COUNT: path.resolve(countDir) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stopping = false;
  const stop = cleanup.add(tag, () => {
    stopping = true;
    return stopChild(child, () => child.kill('SIGTERM'));
  });
  let output = '';
  return new Promise((resolve, reject) => {
    let ready = false;
    const onLine = (line: string) => {
      if (ready && !cleanup.closing) process.stderr.write(`[${tag}] ${line}\n`);
      else output += `${line}\n`;
      if (!ready && line.startsWith('Console: ')) {
        ready = true;
        resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid!, stop });
      }
    };
    lines(child.stdout!, onLine);
    lines(child.stderr!, onLine);
    child.once('exit', (code, signal) => {
      const error = new Error(
        `${tag} exited (${signal ?? code})${ready ? '' : ` before it was ready:\n${output}`}`,
      );
      if (!ready) reject(error);
      else if (!stopping) onCrash(error);
    });
  });
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    for (const line of parts) onLine(line);
  });
}

/** Asks a child to stop, then kills it if it has not exited within 10 s. */
function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    ask();
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (name) ": state is the first, utime the 12th and stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Clock ticks: 100 per second on Linux (getconf CLK_TCK), which Node does not expose.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds redis-server has used so far (INFO cpu through redis-cli; NaN if that fails). */
export async function redisCpuSeconds(port: number): Promise<number> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'info', 'cpu']);
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(stdout)?.[1]);
    return field('used_cpu_user') + field('used_cpu_sys');
  } catch {
    return Number.NaN;
  }
}
