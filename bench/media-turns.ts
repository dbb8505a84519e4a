/**
 * The TURN-over-TLS part of `npm run bench:media` (issue 25 item 9): the web console in Chromium
 * on a network that lets only TLS out, in calls with a virtual phone in media mode through a real
 * call server and Debian's coturn with a TLS listener. The server offers `turn:` (UDP) and
 * `turns:`; the page keeps only `turns:` and relay candidates (an init script around
 * RTCPeerConnection: a firewall's effect, without root), so the console's leg goes over TLS and
 * the phone's over UDP. Chromium trusts coturn's self-signed certificate by its key, as it would a
 * public CA's. Each sample: from the answer (`call:changed`, on a second socket of the agent) to
 * the first audio heard both ways (the later of the page's first inbound audio energy and the
 * phone's first audible frame).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { pino } from 'pino';
import { type Call, systemClock } from '#shared';
import { createServer, hashPassword, openStorage } from '../server/src';
import { startTurnServer } from '../test-support/turn';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';
import { openAgentSocket } from '../tools/virtual-companion/src/agent-socket';
import { seedAgent } from './seed';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUNDLE_ID = 'com.example.switchboard';
const AGENT = { name: 'bench', password: 'bench media turns password' };
const STAFF = 'TLS Bench';

/**
 * In the page before the app: only `turns:` servers and relay candidates (UDP and plain TCP are
 * blocked on this network; or only `turn:`, UDP, for comparison), each peer kept; the first audio energy from the phone on the latest
 * peer (epoch ms) and the selected pair's relay protocol.
 */
const onlyScheme = (scheme: string) => `(() => {
  const Native = window.RTCPeerConnection;
  const peers = [];
  window.__firstAudioAt = null;
  window.__relayProtocol = null;
  const onlyTls = (config = {}) => ({
    ...config,
    iceServers: (config.iceServers ?? [])
      .map((s) => ({ ...s, urls: [].concat(s.urls).filter((u) => u.startsWith('${scheme}')) }))
      .filter((s) => s.urls.length > 0),
    iceTransportPolicy: 'relay',
  });
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(onlyTls(config));
      peers.push(this);
      window.__firstAudioAt = null;
      window.__relayProtocol = null;
    }
    // An ICE restart with renewed credentials sets the servers again.
    setConfiguration(config) {
      return super.setConfiguration(onlyTls(config));
    }
  };
  const poll = async () => {
    const peer = peers.at(-1);
    if (peer && peer.connectionState !== 'closed' && window.__firstAudioAt === null) {
      const stats = await peer.getStats();
      const all = [...stats.values()];
      if (all.some((s) => s.type === 'inbound-rtp' && s.kind === 'audio' && (s.totalAudioEnergy ?? 0) > 0)) {
        window.__firstAudioAt = performance.timeOrigin + performance.now();
        const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
        const pair = transport && stats.get(transport.selectedCandidatePairId);
        window.__relayProtocol = (pair && stats.get(pair.localCandidateId)?.relayProtocol) ?? null;
      }
    }
    setTimeout(poll, 5);
  };
  poll();
})();`;

const pageHeard = (page: Page) =>
  page.evaluate<{ at: number | null; relay: string | null }>(
    '({ at: window.__firstAudioAt, relay: window.__relayProtocol })',
  );

async function waitFor<T>(read: () => Promise<T | null>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A wait that fails naming what it waited for, instead of hanging the benchmark. */
function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Answer → first audio both ways (ms), one per call, the console's leg over TURN/TLS; `turn:`
 * instead keeps the same page on UDP to the same relay, the figure to compare with.
 */
export async function turnsSamples(calls: number, scheme: 'turns:' | 'turn:' = 'turns:'): Promise<number[]> {
  if (!existsSync('dist/web/index.html')) execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  const turn = await startTurnServer({ tls: true });
  const tls = turn.tls!;
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-media-turns-'));
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const storage = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`, { logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  const server = await createServer({
    storage,
    push,
    clock,
    logger,
    config: {
      socketRate: { burst: 10_000, perSecond: 10_000 },
      afterCallWorkMs: 0,
      ice: {
        stun: [],
        turn: [turn.url, tls.url],
        turnSecret: turn.secret,
        turnTtlMs: 600_000,
        policy: 'relay',
      },
    },
  });
  const url = await server.listen(0);
  const token = await seedAgent(storage, AGENT.name, await hashPassword(AGENT.password), clock.now());
  const agentId = (await storage.agents.findByName(AGENT.name))!.id;
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
      `--ignore-certificate-errors-spki-list=${tls.spki}`,
    ],
  });
  let watcher: ReturnType<typeof openAgentSocket> | null = null;
  const samples: number[] = [];
  try {
    const page = await browser.newPage();
    await page.addInitScript(onlyScheme(scheme));
    await page.goto(url);
    await page.getByLabel('Agent name').fill(AGENT.name);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const callButton = page.getByRole('button', { name: `Call ${STAFF}` });
    await callButton.waitFor();
    // After the page: the page is the agent's softphone, this socket only hears the answers.
    watcher = openAgentSocket(url, token);
    const w = watcher;
    await new Promise<void>((resolve) => (w.connected ? resolve() : w.once('connect', () => resolve())));
    for (let i = 0; i < calls; i++) {
      const answered = new Promise<{ call: Call; at: number }>((resolve) => {
        const onChanged = ({ call }: { call: Call }) => {
          if (call.answeredByDeviceId === null || call.state === 'ended') return;
          w.off('call:changed', onChanged);
          resolve({ call, at: Date.now() });
        };
        w.on('call:changed', onChanged);
      });
      await callButton.click();
      const { call, at } = await within(answered, 'the phone to answer');
      const heard = await waitFor(async () => {
        const p = await pageHeard(page);
        return p.at === null ? null : p;
      }, 'the phone’s audio on the page');
      const wanted = scheme === 'turns:' ? 'tls' : 'udp';
      if (heard.relay !== wanted)
        throw new Error(`the console's leg went over ${heard.relay}, not ${wanted}`);
      const phoneAt = await waitFor(
        async () => (await phone.mediaStats(call.id))?.firstAudioAt ?? null,
        'the console’s audio on the phone',
      );
      samples.push(Math.round(Math.max(heard.at!, phoneAt) - at));
      const ended = new Promise<void>((resolve) => {
        const onEnded = (id: string) => {
          if (id !== call.id) return;
          phone.off('ended', onEnded);
          resolve();
        };
        phone.on('ended', onEnded);
      });
      await page.getByRole('button', { name: 'Hang up' }).click();
      await within(ended, 'the call to end on the phone');
      if ((i + 1) % 10 === 0) process.stderr.write(`  turns: ${i + 1} calls\n`);
    }
  } finally {
    watcher?.close();
    await browser.close();
    await phone.close();
    await server.close();
    await emulator.close();
    await turn.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
