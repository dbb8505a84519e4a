import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../test-support/process';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run server -- …` as a user types it, in a child process, on a throwaway data folder. */
async function server(args: string[], dataDir: string) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/server.ts', '--data-dir', dataDir, '--log-level', 'silent', ...args],
      { cwd: ROOT, env: { ...process.env, SWITCHBOARD_AGENT_PASSWORD: '' } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the server command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, lists and removes agents, generating a password when none is given', async () => {
    const added = await server(['agents', 'add', 'alice'], dir);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Agent "alice" added\.\nPassword: \S{20}\n/);
    expect((await server(['agents', 'add', 'bob', '--password', 'hunter22'], dir)).stdout).not.toContain(
      'Password:',
    );
    const duplicate = await server(['agents', 'add', 'ALICE'], dir);
    expect(duplicate).toMatchObject({ code: 1 });
    expect(duplicate.stderr).toContain('an agent named "ALICE" already exists');
    expect((await server(['agents', 'list'], dir)).stdout).toMatch(/^alice\t.*\nbob\t/);
    expect((await server(['agents', 'remove', 'bob'], dir)).code).toBe(0);
    expect((await server(['agents', 'remove', 'bob'], dir)).stderr).toContain('no agent named "bob"');
    expect((await server(['agents', 'list'], dir)).stdout).not.toContain('bob');
  });

  it('explains bad options and bad APNs settings with exit code 2, and lists options in --help', async () => {
    const bad = await server(['--port', 'x'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port');
    const apns = await server(
      [
        '--apns-key',
        '/nope.p8',
        '--apns-key-id',
        'ABC',
        '--apns-team-id',
        'T',
        '--apns-bundle-id',
        'com.x.y',
      ],
      dir,
    );
    expect(apns.code).toBe(2);
    expect(apns.stderr).toContain('APNs key file not found: /nope.p8');
    const help = await server(['--help'], dir);
    expect(help.stdout).toContain('--ring-timeout');
    expect(help.stdout).toContain('--web-root');
    expect(help.stdout).toContain('--demo');
  });

  it('prints the web console URL on its own line and serves the console from --web-root', async () => {
    const web = path.join(dir, 'web');
    await mkdir(web, { recursive: true });
    await writeFile(path.join(web, 'index.html'), '<div id="root"></div>');
    const args = ['--port', '0', '--data-dir', dir, '--log-level', 'silent', '--web-root', web];
    const running = runScript('server/src/main.ts', args);
    try {
      const out = await running.until(/^Console: \S+\n/m);
      const url = /^Console: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1];
      expect(url, out).toBeDefined();
      expect(await (await fetch(url!)).text()).toBe('<div id="root"></div>');
      expect(await (await fetch(`${url}history`)).text()).toBe('<div id="root"></div>');
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exit).toBe(0);
  });
});
