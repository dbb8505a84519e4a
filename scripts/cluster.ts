/**
 * `npm run cluster -- --nodes 3`: a local cluster to try cluster mode (issue 14) on one machine.
 * Starts Redis (redis-server on a free loopback port), PostgreSQL (scripts/postgres.sh, a schema
 * `switchboard_cluster` in its database) unless --db/--redis name existing ones, N call-server
 * nodes as child processes on consecutive ports after the proxy's, and a sticky proxy in front
 * (scripts/sticky-proxy.ts). Ctrl-C stops everything. Any other argument goes to every node
 * (e.g. --ring-timeout 20s, --apns-…). A node can be killed (kill -9 PID) to watch the others cope.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, type RedisForTests, startRedis } from '../test-support/redis';
import { startStickyProxy } from './sticky-proxy';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Options {
  nodes: number;
  port: number;
  host: string;
  db: string | null;
  redis: string | null;
  rest: string[];
}

function parse(args: string[]): Options {
  const o: Options = { nodes: 3, port: 8080, host: '127.0.0.1', db: null, redis: null, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--nodes') o.nodes = Number(value());
    else if (a === '--port') o.port = Number(value());
    else if (a === '--host') o.host = value();
    else if (a === '--db') o.db = value();
    else if (a === '--redis') o.redis = value();
    else o.rest.push(a);
  }
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 16) throw new Error('--nodes must be 1 to 16');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535 - o.nodes) throw new Error('bad --port');
  return o;
}

/** scripts/postgres.sh's cluster, leased for this run, and a schema of its own in it. */
async function startPostgres(): Promise<{ url: string; release: () => Promise<void> }> {
  const script = path.join(ROOT, 'scripts/postgres.sh');
  const { stdout } = await run('bash', [script, 'start', '--lease', String(process.pid)]);
  const base = stdout.trim().split('\n').pop()!;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query('create schema if not exists switchboard_cluster');
  await client.end();
  const url = new URL(base);
  url.searchParams.set('options', '-c search_path=switchboard_cluster');
  return {
    url: url.toString(),
    release: () => run('bash', [script, 'release', String(process.pid)]).then(() => undefined),
  };
}

/** Copies a child's output line by line with a tag in front, so interleaved nodes stay readable. */
function relay(
  stream: NodeJS.ReadableStream,
  tag: string,
  to: NodeJS.WritableStream,
  onLine?: (l: string) => void,
) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    const lines = (rest + d).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      onLine?.(line);
      to.write(`${tag} ${line}\n`);
    }
  });
}

function startNode(i: number, port: number, o: Options, db: string, redis: string): Promise<ChildProcess> {
  const args = ['--db', db, '--redis', redis, '--port', String(port), '--host', o.host, ...o.rest];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/server.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SWITCHBOARD_REDIS: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = `[node${i + 1}]`;
  return new Promise((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`${tag} exited (${code}) before it was ready`));
    child.once('exit', early);
    relay(child.stdout!, tag, process.stdout, (line) => {
      if (!line.startsWith('Console: ')) return;
      child.off('exit', early);
      child.once('exit', (code, signal) => process.stdout.write(`${tag} exited (${signal ?? code})\n`));
      resolve(child);
    });
    relay(child.stderr!, tag, process.stderr);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // The newest first: the proxy, then the nodes, then Redis and PostgreSQL under them.
      for (const c of cleanups.reverse()) await c().catch((e) => process.stderr.write(`cluster: ${e}\n`));
    })();
    return stopping;
  };
  const onSignal = () => {
    process.stdout.write('\nStopping the cluster…\n');
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let redisUrl = o.redis;
    if (!redisUrl) {
      const redis: RedisForTests = await startRedis();
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
    }
    let db = o.db;
    if (!db) {
      const postgres = await startPostgres();
      cleanups.push(postgres.release);
      db = postgres.url;
    }
    const ports: number[] = [];
    for (let i = 0; i < o.nodes; i++) ports.push(o.port === 0 ? await freePort() : o.port + 1 + i);
    const children: ChildProcess[] = [];
    cleanups.push(() => Promise.all(children.map(stopChild)).then(() => undefined));
    // The first node migrates the database alone; the others start once it is ready.
    children.push(await startNode(0, ports[0]!, o, db, redisUrl));
    children.push(
      ...(await Promise.all(ports.slice(1).map((p, i) => startNode(i + 1, p, o, db!, redisUrl!)))),
    );
    const proxy = await startStickyProxy(
      ports.map((port) => ({ host: o.host, port })),
      { port: o.port, host: o.host },
    );
    cleanups.push(() => proxy.close());
    const lines = [
      '',
      `Redis: ${redisUrl}`,
      `PostgreSQL: ${db}`,
      ...children.map((c, i) => `Node ${i + 1}: http://${o.host}:${ports[i]} (pid ${c.pid})`),
      `A console user: npm run server -- --db '${db}' agents add NAME`,
      `Cluster: ${proxy.url} (sticky proxy over ${o.nodes} nodes; Ctrl-C stops everything)`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } catch (error) {
    process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    await stop();
    process.exit(1);
  }
}

await main();
