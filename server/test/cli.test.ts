import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../test-support/process';
import { openStorage } from '../src/storage';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run server -- …` as a user types it, in a child process, on a throwaway data folder. */
async function server(args: string[], dataDir: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/server.ts', '--data-dir', dataDir, '--log-level', 'silent', ...args],
      { cwd: ROOT, env: { ...process.env, SWITCHBOARD_AGENT_PASSWORD: '', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// Each test starts the CLI a dozen times, a few seconds each on a busy 2-core machine.
describe('the server command line', { timeout: 90_000 }, () => {
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
    // The first agent is the team's admin; a generated password is shown once.
    expect(added.stdout).toMatch(
      /Agent "alice" added as an admin\.\nPassword: [0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\n/,
    );
    const weak = await server(['agents', 'add', 'bob'], dir, { SWITCHBOARD_AGENT_PASSWORD: 'hunter22' });
    expect(weak).toMatchObject({ code: 2 });
    expect(weak.stderr).toContain('password: a password needs at least 12 characters');
    const common = await server(['agents', 'add', 'bob'], dir, {
      SWITCHBOARD_AGENT_PASSWORD: 'Password2024!',
    });
    expect(common.stderr).toContain('one of the most common passwords');
    const file = path.join(dir, 'bob-password');
    await writeFile(file, 'velvet otter quarry\n', { mode: 0o600 });
    const bob = await server(['agents', 'add', 'bob', '--password-file', file], dir);
    expect(bob.stdout).toBe('Agent "bob" added as an agent.\n');
    const duplicate = await server(['agents', 'add', 'ALICE'], dir);
    expect(duplicate).toMatchObject({ code: 1 });
    expect(duplicate.stderr).toContain('an agent named "ALICE" already exists');
    expect((await server(['agents', 'list'], dir)).stdout).toMatch(/^alice\tadmin\t.*\nbob\tagent\t/);
    expect((await server(['agents', 'remove', 'bob'], dir)).code).toBe(0);
    expect((await server(['agents', 'remove', 'bob'], dir)).stderr).toContain('no agent named "bob"');
    expect((await server(['agents', 'list'], dir)).stdout).not.toContain('bob');
  });

  it('gives roles with --role and agents role, keeps an admin, and puts it all on the audit trail', async () => {
    const roles = await mkdtemp(path.join(os.tmpdir(), 'switchboard-cli-roles-'));
    try {
      const carol = await server(['agents', 'add', 'carol', '--role', 'agent'], roles, {
        SWITCHBOARD_AGENT_PASSWORD: 'lamp tiger ocean',
      });
      expect(carol.stdout).toBe('Agent "carol" added as an agent.\n');
      expect((await server(['agents', 'add', 'dave', '--role', 'boss'], roles)).stderr).toContain(
        '--role is admin or agent, not "boss"',
      );
      await server(['agents', 'add', 'erin', '--role', 'admin'], roles, {
        SWITCHBOARD_AGENT_PASSWORD: 'quiet harbour lights',
      });
      expect((await server(['agents', 'role', 'carol', 'admin'], roles)).stdout).toBe(
        'Agent "carol" is now an admin.\n',
      );
      await server(['agents', 'role', 'erin', 'agent'], roles);
      const last = await server(['agents', 'role', 'carol', 'agent'], roles);
      expect(last).toMatchObject({ code: 1 });
      expect(last.stderr).toContain("carol is the team's last admin");
      expect((await server(['agents', 'remove', 'carol'], roles)).code).toBe(1);

      const storage = await openStorage(`sqlite:${path.join(roles, 'switchboard.db')}`);
      try {
        const trail = (await storage.audit.query({}, { limit: 50 })).entries.reverse();
        expect(trail.map((e) => [e.actorName, e.actorId, e.action, e.targetName, e.detail])).toEqual([
          ['command line', null, 'agent.added', 'carol', 'as agent'],
          ['command line', null, 'agent.added', 'erin', 'as admin'],
          ['command line', null, 'agent.role_changed', 'carol', 'agent → admin'],
          ['command line', null, 'agent.role_changed', 'erin', 'admin → agent'],
        ]);
      } finally {
        await storage.close();
      }
    } finally {
      await rm(roles, { recursive: true, force: true });
    }
  });

  // Issue 20 item 9: secrets given as arguments are in `ps` and the shell's history.
  it('refuses secrets as arguments, saying how to give them instead', async () => {
    const password = await server(['agents', 'add', 'frank', '--password', 'velvet otter quarry'], dir);
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('--password would put the password in ps and your shell history');
    expect(password.stderr).toContain('--password-file FILE');
    expect(password.stderr).toContain('SWITCHBOARD_AGENT_PASSWORD');
    expect((await server(['agents', 'list'], dir)).stdout).not.toContain('frank');

    const turn = await server(['--turn', 'turn:t.example:3478', '--turn-secret', 'hunter2'], dir);
    expect(turn.code).toBe(2);
    expect(turn.stderr).toContain('--turn-secret would put the secret in ps and your shell history');
    expect(turn.stderr).toContain('SWITCHBOARD_TURN_SECRET');
    expect(turn.stderr).toContain('--turn-secret-file FILE');
    expect(turn.stderr).not.toContain('hunter2');
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
    await mkdir(path.join(web, '.vite'), { recursive: true });
    const manifest = { 'index.html': { file: 'assets/index.js', src: 'index.html', isEntry: true } };
    await writeFile(path.join(web, '.vite', 'manifest.json'), JSON.stringify(manifest));
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
