/**
 * The supervision part of `npm run bench:media` (issue 26 item 5): what an admin listening to a
 * call costs the agent's console. The agent's web console (its own Chromium) is in a call with a
 * virtual phone in media mode; an admin's console (another Chromium) listens, then stops, in
 * turns. Each window reads the CPU time of every process of the agent's browser (CDP's
 * SystemInfo.getProcessInfo: the renderer, where the Web Audio mix and the second peer
 * connection run, and the audio and network services) and gives it as a share of one core.
 * The extra is listening minus not listening, the median of the rounds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type CDPSession, chromium, type Page } from '@playwright/test';
import { pino } from 'pino';
import { systemClock } from '#shared';
import { createServer, hashPassword, openStorage } from '../server/src';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';
import { percentile, positiveEnv } from './stats';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUNDLE_ID = 'com.example.switchboard';
const AGENT = { name: 'bench', password: 'bench media supervise password' };
const ADMIN = { name: 'boss', password: 'bench media supervise admin' };
const STAFF = 'Supervised Bench';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export interface SuperviseCpu {
  /** The agent's browser in the call, nobody listening (% of one core), per round. */
  alone: number[];
  /** The same while the admin listens. */
  listened: number[];
  /** Median of listened − alone, round by round. */
  extraPct: number;
}

/** Seconds of CPU every process of this browser has used so far. */
async function cpuSeconds(cdp: CDPSession): Promise<number> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { cpuTime: number }[];
  };
  return processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
}

/** The browser's CPU over `ms`, as a percentage of one core. */
async function cpuOver(cdp: CDPSession, ms: number): Promise<number> {
  const before = await cpuSeconds(cdp);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const used = (await cpuSeconds(cdp)) - before;
  return Math.round((used / ((performance.now() - start) / 1000)) * 1000) / 10;
}

async function signedIn(
  browser: Browser,
  url: string,
  who: { name: string; password: string },
): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByLabel('Agent name').fill(who.name);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('status', { name: 'Connection' }).getByText('Connected').waitFor();
  return page;
}

export async function superviseCpu(rounds: number, windowMs: number): Promise<SuperviseCpu> {
  if (!existsSync('dist/web/index.html')) execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-media-supervise-'));
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const storage = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`, { logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  const server = await createServer({ storage, push, clock, logger });
  const url = await server.listen(0);
  for (const [id, who, role] of [
    ['bench-admin', ADMIN, 'admin'],
    ['bench-agent', AGENT, 'agent'],
  ] as const) {
    const passwordHash = await hashPassword(who.password);
    await storage.agents.create({ id, name: who.name, passwordHash, createdAt: clock.now(), role });
  }
  await storage.staff.create({ id: 'bench-staff', name: STAFF, handle: null, createdAt: clock.now() });
  const phone = new VirtualPhone({
    server: url,
    network: inProcessNetwork(emulator),
    behaviour: { answerAfterMs: 0 },
    bundleId: BUNDLE_ID,
    media: true,
  });
  await phone.pair((await server.pairing.create('bench-admin', 'bench-staff')).code);
  await phone.start();
  // Two browsers: the agent's processes are then all and only the agent's.
  const agentBrowser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const adminBrowser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const alone: number[] = [];
  const listened: number[] = [];
  try {
    const agent = await signedIn(agentBrowser, url, AGENT);
    const admin = await signedIn(adminBrowser, url, ADMIN);
    const cdp = await agentBrowser.newBrowserCDPSession();
    await agent.getByRole('button', { name: `Call ${STAFF}` }).click();
    await agent.getByTestId('voice-state').getByText('Audio connected').waitFor();
    await admin.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Live' }).click();
    const card = admin.getByRole('article', { name: /^Supervising / });
    for (let i = 0; i < rounds; i++) {
      alone.push(await cpuOver(cdp, windowMs));
      await admin.getByRole('button', { name: /^Listen to bench’s call/ }).click();
      await card.getByTestId('supervise-state').getByText('Supervision audio connected').waitFor();
      // The peer connection's set-up is not what listening costs: let it settle first.
      await new Promise((r) => setTimeout(r, 1000));
      listened.push(await cpuOver(cdp, windowMs));
      await card.getByRole('button', { name: 'Stop supervising' }).click();
      await agent.getByTestId('supervised').waitFor({ state: 'detached' });
      await new Promise((r) => setTimeout(r, 1000));
    }
    await agent.getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await agentBrowser.close();
    await adminBrowser.close();
    await phone.close();
    await server.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const extras = listened.map((l, i) => Math.round((l - alone[i]!) * 10) / 10);
  return { alone, listened, extraPct: percentile(extras, 50) };
}

/** One line for bench:media's report. */
export function superviseReport(r: SuperviseCpu): string {
  return `supervisor listening (web consoles in Chromium): the agent's browser alone in the call ${r.alone.join(', ')} % of a core, listened to ${r.listened.join(', ')} %; extra (median) ${r.extraPct} % of a core (goal under 5)`;
}

// `tsx bench/media-supervise.ts` runs this part alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = positiveEnv('MEDIA_BENCH_SUPERVISE_ROUNDS', 3);
  superviseCpu(rounds, positiveEnv('MEDIA_BENCH_SUPERVISE_WINDOW_MS', 5000)).then(
    (r) => {
      process.stdout.write(`${superviseReport(r)}\nRESULT supervisor_extra_cpu_pct=${r.extraPct}\n`);
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`bench:media supervise failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
