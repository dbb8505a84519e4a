import { fork } from 'node:child_process';
import type { UtilityProcess } from 'electron';
import type { LaunchServer } from './controller';
import type { FromServer, ToServer } from './protocol';

/**
 * The embedded server under Node's child_process IPC: in tests (`execArgv: ['--import', 'tsx']`
 * on the TypeScript entry) and in `npm start` from a checkout, where node_modules holds
 * better-sqlite3 built for Node, not for Electron (see the README's "Desktop app").
 */
export function forkLauncher(
  entry: string,
  opts: { execPath?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): LaunchServer {
  return () => {
    const child = fork(entry, [], {
      execPath: opts.execPath,
      execArgv: opts.execArgv ?? [],
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (msg: ToServer) => {
        if (child.connected) child.send(msg);
      },
      onMessage: (handler) => child.on('message', (msg) => handler(msg as FromServer)),
      // 'close', not 'exit': it comes after the output pipes are drained, so the last log lines
      // (a crash's stack) are in before the exit is reported.
      onExit: (handler) => child.once('close', (code) => handler(code)),
      stdout: child.stdout,
      stderr: child.stderr,
      kill: () => void child.kill('SIGKILL'),
    };
  };
}

type UtilityFork = (modulePath: string, args: string[], options: Electron.ForkOptions) => UtilityProcess;

/**
 * The embedded server as an Electron utilityProcess (the packaged app): a Node environment in
 * Electron's own runtime, so its native modules must be built for Electron's ABI, which
 * packaging does (electron-builder rebuilds better-sqlite3).
 */
export function utilityLauncher(forkUtility: UtilityFork, entry: string): LaunchServer {
  return () => {
    const child = forkUtility(entry, [], { serviceName: 'Switchboard call server', stdio: 'pipe' });
    let alive = true;
    child.once('exit', () => {
      alive = false;
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (msg: ToServer) => {
        if (alive) child.postMessage(msg);
      },
      onMessage: (handler) => child.on('message', (msg) => handler(msg as FromServer)),
      onExit: (handler) => child.once('exit', (code) => handler(code)),
      stdout: child.stdout as import('node:stream').Readable | null,
      stderr: child.stderr as import('node:stream').Readable | null,
      kill: () => void child.kill(),
    };
  };
}
