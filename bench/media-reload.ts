/**
 * The reload part of `npm run bench:media` (issue 26 item 1): the web console in Chromium, in a
 * call with a virtual phone in media mode through a real call server, is reloaded again and
 * again mid-call. Each sample is the time from the reloaded page being ready (its `load` event
 * ended) to the first audio energy from the phone on the page's new peer connection (getStats'
 * `totalAudioEnergy` on inbound-rtp, polled every 10 ms inside the page).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { pino } from 'pino';
import { systemClock } from '#shared';
import { createServer, hashPassword, openStorage } from '../server/src';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUNDLE_ID = 'com.example.switchboard';
const AGENT = { name: 'bench', password: 'bench media reload password' };
const STAFF = 'Reload Bench';

/** In the page before the app: every peer connection kept, and when the phone's audio first arrives. */
const PROBE = `(() => {
  const Native = window.RTCPeerConnection;
  const peers = [];
  window.__audioBackAt = null;
  window.RTCPeerConnection = class extends Native {
    constructor(config) { super(config); peers.push(this); }
  };
  const poll = async () => {
    const peer = peers.at(-1);
    if (peer && peer.connectionState !== 'closed') {
      (await peer.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && (s.totalAudioEnergy ?? 0) > 0) {
          window.__audioBackAt ??= performance.now();
        }
      });
    }
    if (window.__audioBackAt === null) setTimeout(poll, 10);
  };
  poll();
})();`;

/** ms from the page's `load` to the phone's audio on it; null while it has not come. */
const audioBack = (page: Page) =>
  page.evaluate<number | null>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const at = window.__audioBackAt;
    return at === null || !nav || !nav.loadEventEnd ? null : Math.max(0, at - nav.loadEventEnd);
  })()`);

async function waitFor<T>(read: () => Promise<T | null>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function reloadSamples(reloads: number): Promise<number[]> {
  if (!existsSync('dist/web/index.html')) execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-media-reload-'));
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const storage = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`, { logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  const server = await createServer({ storage, push, clock, logger });
  const url = await server.listen(0);
  const agentId = 'bench-agent';
  const passwordHash = await hashPassword(AGENT.password);
  await storage.agents.create({ id: agentId, name: AGENT.name, passwordHash, createdAt: clock.now() });
  await storage.staff.create({ id: 'bench-staff', name: STAFF, handle: null, createdAt: clock.now() });
  const phone = new VirtualPhone({
    server: url,
    network: inProcessNetwork(emulator),
    behaviour: { answerAfterMs: 0 },
    bundleId: BUNDLE_ID,
    media: true,
  });
  await phone.pair((await server.pairing.create(agentId, 'bench-staff')).code);
  await phone.start();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
  const samples: number[] = [];
  try {
    const page = await browser.newPage();
    await page.addInitScript(PROBE);
    await page.goto(url);
    await page.getByLabel('Agent name').fill(AGENT.name);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: `Call ${STAFF}` }).click();
    await waitFor(() => audioBack(page), 'audio at the call’s start');
    for (let i = 0; i < reloads; i++) {
      await page.reload();
      samples.push(Math.round(await waitFor(() => audioBack(page), `audio after reload ${i + 1}`)));
    }
    await page.getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await browser.close();
    await phone.close();
    await server.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
