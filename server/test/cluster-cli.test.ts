import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test-support/databases';
import { runScript } from '../../test-support/process';
import { freePort, type RedisForTests, startRedis } from '../../test-support/redis';

/** `--redis` through the real CLI: nodes share one PostgreSQL (no exclusive hold); SQLite is refused. */
describe('the CLI in cluster mode', () => {
  let redis: RedisForTests;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-cluster-cli-'));
  });
  afterAll(async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const env = { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn' };

  it('refuses SQLite with exit code 2 and says why', async () => {
    const run = runScript('scripts/server.ts', ['--redis', redis.url, '--db', `sqlite:${dir}/x.db`], env);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('cluster mode (--redis) needs PostgreSQL');
  });

  it('starts two nodes on one PostgreSQL database and survives kill -9 of one', async () => {
    const db = await freshDatabase('postgres');
    try {
      const node = async () => {
        const port = await freePort();
        const args = ['--redis', redis.url, '--db', db.url, '--port', String(port), '--data-dir', dir];
        const run = runScript('scripts/server.ts', args, { ...env, SWITCHBOARD_REDIS: undefined });
        await run.until(/^Console: \S+\n/m, 30_000);
        return { run, url: `http://127.0.0.1:${port}` };
      };
      const a = await node();
      const b = await node();
      a.run.child.kill('SIGKILL');
      await a.run.exit;
      const health = await fetch(`${b.url}/healthz`);
      expect(health.status).toBe(200);
      b.run.child.kill('SIGTERM');
      expect(await b.run.exit).toBe(0);
    } finally {
      await db.dispose();
    }
  });
});
