/**
 * `npm run bench:console`: the web console in Chromium against a real call server whose roster
 * holds 50, then 5,000 phones. For each size it prints the time from the `roster:snapshot` frame
 * to the roster rows on screen (over several page loads), and from a keystroke in the roster's
 * search box to the filtered list (over several keystrokes).
 *
 * The roster is written straight into the server's SQLite file before it starts (pairing 5,000
 * phones over HTTP is rightly rate-limited); the server itself is `npm run server`, unmodified.
 * The expected filtered list comes from the console's own search code run in Node on the roster
 * the server sends, so a keystroke counts as done only when exactly that list is on screen.
 *
 * CONSOLE_BENCH_LOADS (5), CONSOLE_BENCH_KEYS (15), CHROMIUM_PATH (/usr/bin/chromium).
 * Last line: `RESULT render_5000_ms=<x> filter_5000_ms=<y> filter_ratio_5000_vs_50=<z>`.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import type { StaffEntry } from '#shared';
import {
  buildSearchIndex,
  filterStaff,
  ROW_HEIGHT,
  toRows,
} from '../desktop/renderer/src/features/roster/rows';
import { type ListExpectation, PAGE_SCRIPT, type PageBench, SEARCH_LABEL } from './console-page';
import { BENCH_AGENT, type BenchServer, runQuiet, seedRoster, startBenchServer } from './console-server';
import { percentile, positiveEnv } from './stats';

const LOADS = positiveEnv('CONSOLE_BENCH_LOADS', 5);
const KEYS = positiveEnv('CONSOLE_BENCH_KEYS', 15);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SIZES = [50, 5_000] as const;
const TIMEOUT_MS = 60_000;

interface SizeResult {
  devices: number;
  snapshot: { bytes: number; parseMs: number };
  render: { committed: number[]; painted: number[] };
  filter: { committed: number[]; painted: number[] };
}

const bench = (page: Page) =>
  page.evaluate(() => {
    const b = (globalThis as unknown as { __bench: PageBench }).__bench;
    return { snapshotAt: b.snapshotAt, rowsAt: b.rowsAt, rowsPaintAt: b.rowsPaintAt, filter: b.filter };
  });

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Agent name').fill(BENCH_AGENT.name);
  await page.getByLabel('Password').fill(BENCH_AGENT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** One page load's snapshot → rows: the first after sign-in, the others after a reload. */
async function measureLoad(page: Page): Promise<{ committed: number; painted: number }> {
  await page.waitForFunction(
    () => (globalThis as unknown as { __bench: PageBench }).__bench.rowsPaintAt !== null,
    null,
    { timeout: TIMEOUT_MS },
  );
  const b = await bench(page);
  return { committed: b.rowsAt! - b.snapshotAt!, painted: b.rowsPaintAt! - b.snapshotAt! };
}

/**
 * The store's order (store/reducers.ts: by name, then id). Not imported: the store module pulls in
 * the session code, which needs the browser's types this benchmark is not compiled with.
 */
const asTheStoreSorts = (staff: StaffEntry[]) =>
  [...staff].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

/** The list the console must show for `query`, from its own search and row code. */
function expectation(sorted: StaffEntry[], query: string): ListExpectation | null {
  const rows = toRows(filterStaff(buildSearchIndex(sorted), query));
  if (rows.length === 0) return null;
  return {
    keys: rows.map((r) => r.key),
    firstKey: rows[0]!.key,
    height: rows.reduce((h, r) => h + ROW_HEIGHT[r.kind], 0),
  };
}

/**
 * Keystrokes that change what is on screen at both sizes: prefixes of the names both rosters
 * share (the 50-phone roster is the first 25 staff of the 5,000-phone one), from one letter up.
 */
function pickKeystrokes(shared: StaffEntry[], rosters: StaffEntry[][], count: number): string[] {
  const candidates: string[] = [];
  for (let len = 1; len <= 8 && candidates.length < count * 4; len++) {
    for (const s of shared) {
      const q = s.name.slice(0, len).toLowerCase();
      if (q.length === len && !q.endsWith(' ') && !candidates.includes(q)) candidates.push(q);
    }
  }
  const changes = (sorted: StaffEntry[], q: string) => {
    const before = expectation(sorted, q.slice(0, -1));
    const after = expectation(sorted, q);
    return (
      after !== null &&
      (before === null || before.height !== after.height || before.firstKey !== after.firstKey)
    );
  };
  const valid = candidates.filter((q) => rosters.every((r) => changes(r, q)));
  // Spread over lengths, so one-letter (big lists) and longer (short lists) keystrokes both count.
  return Array.from(
    { length: Math.min(count, valid.length) },
    (_, i) => valid[Math.floor((i * valid.length) / count)]!,
  );
}

async function measureKeystroke(page: Page, sorted: StaffEntry[], q: string) {
  const search = page.getByLabel(SEARCH_LABEL);
  const before = expectation(sorted, q.slice(0, -1));
  const after = expectation(sorted, q)!;
  await search.fill(q.slice(0, -1));
  await page.waitForFunction(
    (e) => (e === null ? true : (globalThis as unknown as { __bench: PageBench }).__bench.matches(e)),
    before,
    { timeout: TIMEOUT_MS },
  );
  await search.focus();
  const armed = await page.evaluate(
    (e) => (globalThis as unknown as { __bench: PageBench }).__bench.arm(e),
    after,
  );
  if (!armed) throw new Error(`the list already showed the result for "${q}" before the keystroke`);
  await page.keyboard.press(q.at(-1)!);
  await page.waitForFunction(
    () => (globalThis as unknown as { __bench: PageBench }).__bench.filter?.paintedAt != null,
    null,
    { timeout: TIMEOUT_MS },
  );
  const { filter } = await bench(page);
  return { committed: filter!.committedAt! - filter!.keyAt!, painted: filter!.paintedAt! - filter!.keyAt! };
}

async function runSize(browser: Browser, server: BenchServer, devices: number, keystrokes: string[]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript({ content: PAGE_SCRIPT });
  const result: SizeResult = {
    devices,
    snapshot: { bytes: 0, parseMs: 0 },
    render: { committed: [], painted: [] },
    filter: { committed: [], painted: [] },
  };
  await signIn(page, server.consoleUrl);
  for (let i = 0; i < LOADS; i++) {
    if (i > 0) await page.reload();
    const load = await measureLoad(page);
    result.render.committed.push(load.committed);
    result.render.painted.push(load.painted);
  }
  result.snapshot = await page.evaluate(() =>
    (globalThis as unknown as { __bench: PageBench }).__bench.parseSnapshot(),
  );
  const sorted = asTheStoreSorts(server.roster);
  for (const q of keystrokes) {
    const key = await measureKeystroke(page, sorted, q);
    result.filter.committed.push(key.committed);
    result.filter.painted.push(key.painted);
  }
  await page.close();
  return result;
}

const med = (v: number[]) => percentile(v, 50);
const f1 = (v: number) => v.toFixed(1);

function report(r: SizeResult): void {
  process.stdout.write(
    `${String(r.devices).padStart(5)} phones: snapshot -> rows in the DOM ${f1(med(r.render.committed))} ms, painted ${f1(
      med(r.render.painted),
    )} ms (median of ${r.render.committed.length} loads, max ${f1(Math.max(...r.render.painted))} ms;` +
      ` the frame is ${(r.snapshot.bytes / 1024).toFixed(0)} KB, JSON.parse alone ${f1(r.snapshot.parseMs)} ms)\n` +
      `             keystroke -> filtered list in the DOM ${f1(med(r.filter.committed))} ms, painted ${f1(
        med(r.filter.painted),
      )} ms (median of ${r.filter.committed.length} keystrokes, p90 ${f1(percentile(r.filter.committed, 90))} ms)\n`,
  );
}

async function main(): Promise<void> {
  if (!existsSync('dist/web/index.html') || process.env.CONSOLE_BENCH_BUILD) {
    process.stdout.write('building the web console (npm run build:web)…\n');
    await runQuiet('npm', ['run', 'build:web']);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const servers: BenchServer[] = [];
  try {
    for (const devices of SIZES) {
      const seeded = await seedRoster(devices);
      servers.push(await startBenchServer(seeded));
    }
    const keystrokes = pickKeystrokes(
      servers[0]!.roster,
      servers.map((s) => asTheStoreSorts(s.roster)),
      KEYS,
    );
    process.stdout.write(`keystrokes: ${keystrokes.map((k) => JSON.stringify(k)).join(' ')}\n`);
    const results: SizeResult[] = [];
    for (const [i, devices] of SIZES.entries()) {
      const r = await runSize(browser, servers[i]!, devices, keystrokes);
      report(r);
      results.push(r);
    }
    const [small, large] = results as [SizeResult, SizeResult];
    const ratio = med(large.filter.committed) / med(small.filter.committed);
    process.stdout.write(
      `RESULT render_5000_ms=${f1(med(large.render.committed))} filter_5000_ms=${f1(
        med(large.filter.committed),
      )} filter_ratio_5000_vs_50=${ratio.toFixed(2)}\n`,
    );
  } finally {
    await browser.close();
    for (const s of servers) await s.stop();
  }
}

await main();
