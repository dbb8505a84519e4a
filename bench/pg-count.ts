/**
 * `CLUSTER_BENCH_PG_COUNT=DIR` (bench:cluster, bench/revisions.ts): each server node loads this
 * module first (`--import`) and counts the queries it sends to PostgreSQL, by statement shape
 * (literals and parameters taken out), writing `DIR/<tree>-<pid>.json` as it stops.
 * `npx tsx bench/pg-count.ts DIR SETUPS [TREE]` sums the files (of one tree: the directory name of
 * the checkout that ran them) and prints the statements per setup, most first.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** A query's shape: what it does, without the values it carries. */
export const shape = (text: string) =>
  text
    .replace(/E?'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\(\?(, \?)+\)/g, '(…)')
    .slice(0, 110);

const dir = process.env.CLUSTER_BENCH_PG_COUNT;
if (dir && process.argv[1]?.endsWith('server.ts')) {
  const counts = new Map<string, number>();
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const key = shape(text);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const tree = path.basename(process.cwd());
  process.once('exit', () => {
    writeFileSync(path.join(dir, `${tree}-${process.pid}.json`), JSON.stringify(Object.fromEntries(counts)));
  });
} else if (process.argv[1] === import.meta.filename) {
  const [where, setups, tree] = process.argv.slice(2);
  if (!where || !setups) throw new Error('usage: npx tsx bench/pg-count.ts DIR SETUPS [TREE]');
  const sum = new Map<string, number>();
  for (const file of readdirSync(where).filter((f) => f.endsWith('.json'))) {
    if (tree && !new RegExp(`^${tree}-\\d+\\.json$`).test(file)) continue;
    for (const [k, n] of Object.entries(JSON.parse(readFileSync(path.join(where, file), 'utf8')))) {
      sum.set(k, (sum.get(k) ?? 0) + (n as number));
    }
  }
  const per = [...sum].map(([k, n]) => [k, n / Number(setups)] as const).sort((a, b) => b[1] - a[1]);
  const total = per.reduce((t, [, n]) => t + n, 0);
  console.log(`${total.toFixed(2)} queries per setup`);
  for (const [k, n] of per) if (n >= 0.01) console.log(`${n.toFixed(2).padStart(7)}  ${k}`);
}
