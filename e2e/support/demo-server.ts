import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What the server prints once it listens; the fixture waits on these lines, never on a delay. */
const READY = {
  demo: /Switchboard demo running at (http\S+)/,
  plain: /Switchboard server listening on (http\S+)/,
};
const EMULATOR = /APNs emulator:\s+(https\S+) \(CA: ([^)]+)\)/;
const START_TIMEOUT_MS = 60_000;

export interface DemoServerOptions {
  /** `plain`: the server alone (its database in the data dir, no APNs: phones ring only by socket). */
  mode?: 'demo' | 'plain';
  /** Passed as --ring-timeout: short enough for a "missed" flow, long enough for Ana to answer. */
  ringTimeout?: string;
  extraArgs?: string[];
  /** Added to the server's environment (a secret that must not be an argument, e.g. the TURN secret). */
  env?: Record<string, string>;
}

/**
 * `npm run server -- --demo` as a child process on a fixed port and data dir, so a test can stop
 * it ("the server went away") and start it again where the console expects it.
 */
export class DemoServer {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-e2e-'));
  url = '';
  /** Where a browser opens the console: the server serves the web build (dist/web) at its root. */
  get consoleUrl(): string {
    return this.url;
  }
  emulatorUrl = '';
  caPath = '';
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly options: DemoServerOptions,
  ) {}

  static async start(options: DemoServerOptions = {}): Promise<DemoServer> {
    const server = await DemoServer.create(options);
    await server.start();
    return server;
  }

  /** A server not started yet, for what must happen first (e.g. `addAgent` on a plain server). */
  static async create(options: DemoServerOptions = {}): Promise<DemoServer> {
    return new DemoServer(await freePort(), options);
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Everything the server printed so far (for a failing test's message). */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('the demo server is already running');
    const mode = this.options.mode ?? 'demo';
    const args = ['run', 'server', '--', ...(mode === 'demo' ? ['--demo'] : [])];
    args.push('--port', String(this.port), '--data-dir', this.dataDir);
    args.push('--ring-timeout', this.options.ringTimeout ?? '45s', '--log-level', 'warn');
    args.push(...(this.options.extraArgs ?? []));
    // Its own process group, so stop() ends npm, the shell and tsx together and nothing else.
    const child = spawn('npm', args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: process.cwd(),
      env: { ...process.env, ...this.options.env },
    });
    this.child = child;
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the demo server did not start in ${START_TIMEOUT_MS} ms:\n${seen}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        this.output += chunk.toString();
        const ready = READY[mode].exec(seen);
        const emulator = EMULATOR.exec(seen);
        if (ready && (emulator || mode === 'plain')) {
          clearTimeout(timer);
          this.url = ready[1]!.replace(/\/$/, '');
          this.emulatorUrl = emulator?.[1] ?? '';
          this.caPath = emulator?.[2] ?? '';
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        seen += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        this.child = null;
        reject(new Error(`the demo server exited (${code}) before it was ready:\n${seen}`));
      });
    });
  }

  /** `npm run server -- agents add NAME` against this server's data dir, the password from the environment. */
  async addAgent(name: string, password: string): Promise<void> {
    const args = ['run', 'server', '--', 'agents', 'add', name, '--data-dir', this.dataDir];
    const child = spawn('npm', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SWITCHBOARD_AGENT_PASSWORD: password },
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`agents add ${name} failed (${code}):\n${out}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    const killer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(killer);
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
