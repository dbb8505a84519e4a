import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MAIN = path.join(ROOT, 'tools', 'soak', 'src', 'server-child.ts');
const STARTED = /^Console: \S+$/m;

/** A port free right now: the server keeps it across kill -9 and restart, as phones know it. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The call server as users run it (`server/src/main.ts`, through server-child.ts, on a file-backed
 * SQLite database), in a child process the soak can kill -9 and start again on the same port. Its
 * output goes to a log file, so a finding can be traced in the server's own words.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private readonly log: WriteStream;
  /** When the running process was started (epoch ms); what its metrics count from. */
  startedAt = 0;
  starts = 0;

  constructor(
    readonly port: number,
    private readonly args: string[],
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server and resolves once it listens; rejects with its output if it exits first. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('the server is already running');
    this.startedAt = Date.now();
    this.starts += 1;
    this.log.write(`\n=== start ${this.starts} at ${new Date(this.startedAt).toISOString()}\n`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--port', String(this.port), ...this.args],
      {
        cwd: ROOT,
        // stdin stays open for the child's life: it ends when this process dies (server-child.ts).
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stderr!.pipe(this.log, { end: false });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the server did not start in ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        this.log.write(d);
        out += d;
        if (STARTED.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening; see its log`));
      });
    });
    try {
      await ready;
    } catch (error) {
      this.child = null;
      throw error;
    }
  }

  /** The crash the soak is about: no shutdown, no flush, nothing but what was committed. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.log.write(`=== kill -9 at ${new Date().toISOString()}\n`);
    child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    const code = await this.exited;
    this.child = null;
    return code;
  }

  async close(): Promise<void> {
    await this.kill9();
    await new Promise((resolve) => this.log.end(resolve));
  }
}
