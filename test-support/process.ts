import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root: scripts are started from here, as `npm run` starts them. */
export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /**
   * Resolves with the stdout so far once it matches. Rejects, with the output so far, when the
   * process exits first or after `timeoutMs` (so a test that waits in vain says for what).
   */
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exit: Promise<number | null>;
}

/** Runs a TypeScript entry file under tsx in a child process, as `npm run <script>` would. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(ROOT, script), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...watchers]) {
      if (w.pattern.test(out)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(out);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const failure = (why: string, pattern: RegExp) =>
    new Error(`${script} ${why} before printing ${pattern}:\n--- stdout\n${out}\n--- stderr\n${err}`);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    until(pattern, timeoutMs = 15_000) {
      if (pattern.test(out)) return Promise.resolve(out);
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        new Promise<string>((resolve) => watchers.push({ pattern, resolve })),
        exit.then((code) => {
          throw failure(`exited (${code})`, pattern);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(failure(`ran ${timeoutMs} ms`, pattern)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    },
  };
}
