import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedis } from '../test-support/redis';
import { generateProviderKey } from '../tools/apns-emulator/src';
import { Cleanup, leasePostgres, startEmulator } from './cluster-infra';
import { BUNDLE } from './cluster-topology';

/**
 * What every bench of call-server processes starts from (bench:cluster, bench/revisions.ts,
 * bench/health.ts): a data directory, a PostgreSQL lease, the APNs emulator with a provider key,
 * and the node arguments that use them (calls ring 120 s: a setup is measured, not its timeout).
 * Everything it starts is stopped by `cleanup`.
 */
export async function clusterRig(cleanup: Cleanup, name: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `switchboard-bench-${name}-`));
  cleanup.add('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  const postgres = await leasePostgres(cleanup);
  const key = generateProviderKey();
  const emulator = await startEmulator(
    { keyId: key.keyId, teamId: key.teamId, publicKeyPem: key.publicKeyPem },
    cleanup,
  );
  writeFileSync(path.join(dir, 'apns-key.p8'), key.privateKeyPem);
  writeFileSync(path.join(dir, 'apns-ca.pem'), emulator.ca);
  const nodeArgs = [
    ['--host', '127.0.0.1', '--data-dir', dir, '--log-level', 'warn', '--ring-timeout', '120s'],
    ['--apns-key', path.join(dir, 'apns-key.p8'), '--apns-key-id', key.keyId, '--apns-team-id', key.teamId],
    ['--apns-bundle-id', BUNDLE, '--apns-endpoint', `127.0.0.1:${emulator.port}`],
    ['--apns-ca', path.join(dir, 'apns-ca.pem')],
  ].flat();
  return { postgres, nodeArgs };
}

/**
 * A Redis of its own for a topology of `nodes` (none for one node): two clusters on one Redis
 * would share their channels and streams.
 */
export async function redisFor(cleanup: Cleanup, nodes: number): Promise<{ url: string; port: number }> {
  if (nodes === 1) return { url: '', port: 0 };
  const server = await startRedis();
  cleanup.add('Redis', () => server.stop());
  return server;
}

/**
 * Runs a bench's `main` with its cleanup, whatever ends it: success, a failure (its stack, exit 1),
 * a crashed node (`onCrash`) or Ctrl-C (exit 130). Nothing it started outlives the process.
 */
export function runBench(
  name: string,
  main: (cleanup: Cleanup, onCrash: (error: Error) => void) => Promise<void>,
) {
  const cleanup = new Cleanup();
  let failing = false;
  const fail = (error: Error, code = 1) => {
    if (failing) return;
    failing = true;
    process.stderr.write(
      `${name}: ${code === 130 ? error.message : `failed: ${error.stack ?? error.message}`}\n`,
    );
    void cleanup.runAll().then(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () =>
      fail(new Error(`${signal}: stopping nodes, Redis, the emulator; dropping schemas`), 130),
    );
  }
  main(cleanup, (error) => fail(error)).then(
    () => cleanup.runAll().then(() => process.exit(0)),
    (error: Error) => fail(error),
  );
}
