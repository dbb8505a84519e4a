import type { Readable } from 'node:stream';
import { type Clock, type LoginSession, systemClock } from '#shared';
import { type LogLine, LogTail } from './logs';
import type { EmbeddedConfig, FromServer, ToServer } from './protocol';

/** The embedded server's process as the main process sees it, whatever started it. */
export interface ServerProcess {
  readonly pid: number | undefined;
  postMessage(msg: ToServer): void;
  onMessage(handler: (msg: FromServer) => void): void;
  onExit(handler: (code: number | null) => void): void;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(): void;
}

export type LaunchServer = () => ServerProcess;

/** What the process said, or that it exited. */
type ProcessEvent = FromServer | { type: 'exit'; code: number | null };

export type EmbeddedState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface EmbeddedStatus {
  state: EmbeddedState;
  url: string | null;
  pid: number | null;
  startedAt: number | null;
  /** Why it failed or stopped unexpectedly, in words. */
  error: string | null;
  owner: { agentId: string; name: string } | null;
  database: string | null;
}

export interface EmbeddedServerOptions {
  launch: LaunchServer;
  /** Times the start, session and stop deadlines (a manual clock in tests). */
  clock?: Clock;
  /** Every log line of the server (the app appends them to a file). */
  onLog?: (raw: string) => void;
  /** Called on every state change (the About panel and the tray follow it). */
  onChange?: (status: EmbeddedStatus) => void;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/**
 * Starts, asks and stops the embedded call server's process. One process at a time; `stop()`
 * asks the server to end its calls and close its database, and kills it only if it does not
 * answer in time. Status and the last log lines are kept for the About panel.
 */
export class EmbeddedServer {
  readonly logs = new LogTail(200);
  private proc: ServerProcess | null = null;
  private current: EmbeddedStatus = idle();
  private waiters = new Set<(msg: ProcessEvent) => void>();
  private nextRequest = 1;
  private readonly clock: Clock;

  constructor(private readonly o: EmbeddedServerOptions) {
    this.clock = o.clock ?? systemClock();
  }

  status(): EmbeddedStatus {
    return { ...this.current };
  }

  /** Resolves with the server's URL once it listens; rejects with the reason it could not start. */
  async start(config: EmbeddedConfig): Promise<string> {
    if (this.proc) throw new Error('the embedded server is already running');
    const proc = this.o.launch();
    this.proc = proc;
    this.set({ ...idle(), state: 'starting', pid: proc.pid ?? null });
    this.capture(proc);
    proc.onMessage((msg) => this.received(msg));
    proc.onExit((code) => this.exited(proc, code));
    proc.postMessage({ type: 'start', config });
    let answer: ProcessEvent;
    try {
      answer = await this.next((m) => m.type === 'ready' || m.type === 'failed' || m.type === 'exit', {
        timeoutMs: this.o.startTimeoutMs ?? 30_000,
        what: 'start',
      });
    } catch (e) {
      // Hung (a database that never opens): not left half-started, holding the port or the data.
      const reason = e instanceof Error ? e.message : String(e);
      this.set({ ...this.current, state: 'failed', error: reason });
      proc.kill();
      throw e;
    }
    if (answer.type === 'ready') {
      this.set({
        ...this.current,
        state: 'running',
        url: answer.url,
        startedAt: this.clock.now(),
        owner: { agentId: answer.owner.agentId, name: answer.owner.name },
        database: answer.database,
      });
      return answer.url;
    }
    const reason =
      answer.type === 'failed'
        ? answer.message
        : `the server process exited (code ${answer.type === 'exit' ? answer.code : '?'}) before listening`;
    this.set({ ...this.current, state: 'failed', error: reason });
    throw new Error(reason);
  }

  /** A fresh session for the local owner agent. */
  async ownerSession(): Promise<LoginSession> {
    if (!this.proc || this.current.state !== 'running') throw new Error('the embedded server is not running');
    const requestId = this.nextRequest++;
    this.proc.postMessage({ type: 'session', requestId });
    const answer = await this.next(
      (m) => (m.type === 'session' && m.requestId === requestId) || m.type === 'exit',
      {
        timeoutMs: 10_000,
        what: 'session',
      },
    );
    if (answer.type !== 'session') throw new Error('the embedded server stopped before issuing a session');
    return answer.session;
  }

  /**
   * Ends every live call, closes the server and its database, and waits for the process to exit.
   * Resolves with how many calls were ended; a server that does not answer is killed.
   */
  async stop(reason = 'the desktop app closed'): Promise<{ endedCalls: number; killed: boolean }> {
    const proc = this.proc;
    if (!proc) return { endedCalls: 0, killed: false };
    this.set({ ...this.current, state: 'stopping' });
    const exited = this.next((m) => m.type === 'exit', {
      timeoutMs: this.o.stopTimeoutMs ?? 15_000,
      what: 'stop',
    });
    const stopped = this.next((m) => m.type === 'stopped' || m.type === 'exit', {
      timeoutMs: this.o.stopTimeoutMs ?? 15_000,
      what: 'stop',
    });
    proc.postMessage({ type: 'stop', reason });
    try {
      const answer = await stopped;
      await exited;
      return { endedCalls: answer.type === 'stopped' ? answer.endedCalls : 0, killed: false };
    } catch {
      proc.kill();
      await exited.catch(() => undefined);
      return { endedCalls: 0, killed: true };
    }
  }

  private received(msg: FromServer): void {
    for (const waiter of [...this.waiters]) waiter(msg);
  }

  private exited(proc: ServerProcess, code: number | null): void {
    if (this.proc !== proc) return;
    this.proc = null;
    const expected = this.current.state === 'stopping';
    this.set({
      ...this.current,
      state: expected ? 'stopped' : 'failed',
      url: null,
      pid: null,
      error: expected
        ? null
        : (this.current.error ?? `the server process stopped unexpectedly (code ${code})`),
    });
    for (const waiter of [...this.waiters]) waiter({ type: 'exit', code });
  }

  private next(
    match: (m: ProcessEvent) => boolean,
    opts: { timeoutMs: number; what: string },
  ): Promise<ProcessEvent> {
    return new Promise<ProcessEvent>((resolve, reject) => {
      const waiter = (m: ProcessEvent) => {
        if (!match(m)) return;
        this.waiters.delete(waiter);
        this.clock.clearTimeout(timer);
        resolve(m);
      };
      const timer = this.clock.setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`the embedded server did not answer ${opts.what} within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private capture(proc: ServerProcess): void {
    const take = (stream: Readable | null) => {
      if (!stream) return;
      this.logs.follow(stream, (raw) => this.o.onLog?.(raw));
    };
    take(proc.stdout);
    take(proc.stderr);
  }

  private set(next: EmbeddedStatus): void {
    this.current = next;
    this.o.onChange?.(this.status());
  }
}

function idle(): EmbeddedStatus {
  return {
    state: 'stopped',
    url: null,
    pid: null,
    startedAt: null,
    error: null,
    owner: null,
    database: null,
  };
}

export type { LogLine };
