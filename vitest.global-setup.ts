import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { PostgresForTests } from './test-support/databases';

/**
 * Starts the throwaway PostgreSQL cluster of scripts/postgres.sh for the run (installing PostgreSQL
 * first if it is missing) and hands its URL to the tests as inject('switchboardPostgres'). A URL in
 * SWITCHBOARD_TEST_POSTGRES_URL is used instead, as is. If PostgreSQL cannot be started nothing is
 * skipped: the reason goes to the tests, and every PostgreSQL test fails with it.
 *
 * The run holds a lease on the cluster: a cluster the tests started stops when the last run that
 * uses it ends; one started by hand (`bash scripts/postgres.sh`) stays up.
 */
const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(ROOT, 'scripts', 'postgres.sh');

export default async function setup(project: TestProject) {
  const provide = (value: PostgresForTests) => project.provide('switchboardPostgres', value);
  const fromEnv = process.env.SWITCHBOARD_TEST_POSTGRES_URL;
  if (fromEnv) {
    provide({ url: fromEnv, error: null });
    return;
  }

  const lease = String(process.pid);
  const started = Date.now();
  const result = await script('start', '--lease', lease);
  const url = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !/^postgres(ql)?:\/\//.test(url)) {
    const reason = `bash scripts/postgres.sh start failed (exit ${result.code}): ${lastLines(result.stderr || result.stdout)}`;
    process.stderr.write(
      `\n[vitest.global-setup] PostgreSQL is NOT available; its tests will fail.\n${reason}\n\n`,
    );
    provide({ url: null, error: reason });
    return () => script('release', lease).then(() => undefined);
  }
  if (/starting PostgreSQL/.test(result.stderr)) {
    process.stderr.write(`[vitest.global-setup] PostgreSQL started in ${Date.now() - started} ms: ${url}\n`);
  }
  await dropAbandonedSchemas(url).catch(() => undefined);
  provide({ url, error: null });
  return () => script('release', lease).then(() => undefined);
}

function script(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Installing PostgreSQL on a fresh machine can take minutes.
    execFile('bash', [SCRIPT, ...args], { timeout: 600_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && !stderr ? error.message : stderr });
    });
  });
}

const lastLines = (text: string) => text.trim().split('\n').slice(-15).join('\n');

/** Test schemas are named sbt_<pid>_<random>: drop those of test processes that no longer exist. */
async function dropAbandonedSchemas(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname like 'sbt\\_%'",
    );
    for (const { name } of rows) {
      const pid = Number(/^sbt_(\d+)_/.exec(name)?.[1]);
      if (!pid || isAlive(pid)) continue;
      await client.query(`drop schema if exists "${name}" cascade`);
    }
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
