import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export interface RedisForTests {
  url: string;
  port: number;
  /** Stops the server (SIGKILL when `abruptly`); resolves once the process is gone. */
  stop(abruptly?: boolean): Promise<void>;
}

/** A free loopback port: bound to port 0 and released (redis-server takes it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Debian's redis-server on loopback, in memory only (no RDB, no AOF), for one test run or one test
 * (one that restarts Redis mid-call passes the port it had). Rejects with its output if it does
 * not come up within 10 s.
 */
export async function startRedis(port?: number): Promise<RedisForTests> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in 10 s:\n${out}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (e) =>
      fail(new Error(`cannot run redis-server (apt-get install redis-server): ${e.message}`)),
    );
    const early = (code: number | null) => fail(new Error(`redis-server exited with ${code}:\n${out}`));
    child.once('exit', early);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        child.off('exit', early);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        // Keep draining its output, or a chatty server would block on a full pipe.
        child.stdout!.resume();
        child.stderr!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, stop: (abruptly) => stop(child, abruptly) };
}

function stop(child: ChildProcess, abruptly = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(abruptly ? 'SIGKILL' : 'SIGTERM');
  });
}
