import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { login } from '#shared';
import { runScript } from '../../../test-support/process';

describe('npm run server -- --demo', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts the demo, prints the web console URL and the demo sign-in, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-demo-cli-'));
    dirs.push(dataDir);
    const demo = runScript('scripts/server.ts', [
      '--demo',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'silent',
    ]);
    const banner = await demo.until(/Stop with Ctrl-C/, 30_000);
    const consoleUrl = /^ {2}web console: +(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(banner)?.[1];
    expect(consoleUrl, banner).toBeDefined();
    expect(banner).toContain('name "demo", password "demo"');

    // The printed URL is the running server, and the printed credentials sign in there.
    const session = await login(consoleUrl!, 'demo', 'demo');
    expect(session.name).toBe('demo');

    demo.child.kill('SIGTERM');
    expect(await demo.exit).toBe(0);
  });
});
