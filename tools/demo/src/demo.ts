import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '#shared';
import {
  createServer,
  hashPassword,
  type Logger,
  openStorage,
  type ServerConfig,
  type Storage,
  type SwitchboardServer,
} from '../../../server/src';
import {
  type ApnsEmulator,
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../../apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../../virtual-companion/src';

export const DEMO_AGENT = { name: 'demo', password: 'demo' } as const;
export const DEMO_AGENT_2 = { name: 'demo2', password: 'demo2' } as const;
export const DEMO_BUNDLE_ID = 'com.example.switchboard';

/**
 * The three demo phones and what each one does when it rings; Ana's phone has a voice (a tone)
 * and a camera (a moving test pattern with the time on it), and accepts video when asked.
 */
const DEMO_STAFF = [
  {
    name: 'Ana Answers',
    behaviour: { answerAfterMs: 1500, hangupAfterMs: 4000 },
    offline: false,
    media: true,
    video: 'accept',
  },
  {
    name: 'Ben Declines',
    behaviour: { declineAfterMs: 1500 },
    offline: false,
    media: false,
    video: undefined,
  },
  { name: 'Cleo Offline', behaviour: {}, offline: true, media: false, video: undefined },
] as const;

export interface Demo {
  server: SwitchboardServer;
  emulator: ApnsEmulator;
  phones: VirtualPhone[];
  url: string;
  close(): Promise<void>;
}

/**
 * `npm run server -- --demo`: the whole product without an iPhone or an Apple account. The call
 * server (an in-memory database), an APNs emulator in this process with a fresh provider key,
 * a demo agent, and three virtual phones that answer, decline, or stay offline.
 */
export async function startDemo(o: {
  host: string;
  port: number;
  dataDir: string;
  ringTimeoutMs: number;
  /** After-call work and the Away grace (issue 24); the server's defaults when absent. */
  availability?: Pick<ServerConfig, 'afterCallWorkMs' | 'awayGraceMs'>;
  /** --not-rung-after, --health-retention, --ring-records (issue 25); the server's defaults when absent. */
  health?: Pick<ServerConfig, 'notRungAfterMs' | 'healthRetentionMs' | 'ringRecords'>;
  /** STUN/TURN from the command line (--stun, --turn…), for a demo reached from other machines. */
  ice?: ServerConfig['ice'];
  clock: Clock;
  logger: Logger;
}): Promise<Demo> {
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({
    port: 0,
    host: '127.0.0.1',
    environment: 'sandbox',
    keys: [key],
  });
  const storage = await openStorage('sqlite::memory:', { logger: o.logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, {
    bundleId: DEMO_BUNDLE_ID,
    clock: o.clock,
    logger: o.logger,
  });
  const server = await createServer({
    storage,
    push,
    clock: o.clock,
    logger: o.logger,
    config: {
      ringTimeoutMs: o.ringTimeoutMs,
      ...o.availability,
      ...o.health,
      ...(o.ice ? { ice: o.ice } : {}),
    },
  });
  const url = await server.listen(o.port, o.host);

  const agentId = await seedAgents(storage, o.clock.now());
  const phones = await startPhones({ storage, server, url, emulator, clock: o.clock, agentId });
  // Other processes (npm run companion) can reach the same emulator with this CA.
  mkdirSync(o.dataDir, { recursive: true });
  const caPath = path.join(o.dataDir, 'demo-apns-ca.pem');
  writeFileSync(caPath, emulator.ca);

  return {
    server,
    emulator,
    phones,
    url,
    async close() {
      for (const phone of phones) await phone.close();
      await server.close();
      await emulator.close();
    },
  };
}

/** The demo agents; resolves with the first one's id (it creates the phones' pairing codes). */
async function seedAgents(storage: Storage, now: number): Promise<string> {
  const agentId = randomUUID();
  await storage.agents.create({
    id: agentId,
    name: DEMO_AGENT.name,
    passwordHash: await hashPassword(DEMO_AGENT.password),
    createdAt: now,
  });
  // A second console user, to see an inbound call rung on two consoles and taken by one of them.
  await storage.agents.create({
    id: randomUUID(),
    name: DEMO_AGENT_2.name,
    passwordHash: await hashPassword(DEMO_AGENT_2.password),
    createdAt: now,
  });
  return agentId;
}

/** One staff member per demo phone, each phone paired, connected, and offline if it should be. */
async function startPhones(d: {
  storage: Storage;
  server: SwitchboardServer;
  url: string;
  emulator: ApnsEmulator;
  clock: Clock;
  agentId: string;
}): Promise<VirtualPhone[]> {
  const now = d.clock.now();
  const phones: VirtualPhone[] = [];
  for (const [i, staff] of DEMO_STAFF.entries()) {
    const staffId = randomUUID();
    await d.storage.staff.create({
      id: staffId,
      name: staff.name,
      handle: `+1555010000${i}`,
      createdAt: now,
    });
    const created = await d.server.pairing.create(d.agentId, staffId);
    const phone = new VirtualPhone({
      server: d.url,
      network: inProcessNetwork(d.emulator),
      behaviour: staff.behaviour,
      name: `${staff.name.split(' ')[0]}'s virtual iPhone`,
      bundleId: DEMO_BUNDLE_ID,
      clock: d.clock,
      media: staff.media,
      video: staff.video,
    });
    await phone.pair(created.code);
    await phone.start();
    if (staff.offline) await phone.goOffline();
    phones.push(phone);
  }
  return phones;
}

export function demoBanner(demo: Demo, dataDir: string): string {
  return [
    `Switchboard demo running at ${demo.url}`,
    // The server serves the web console at its root.
    `  web console:    ${demo.url}/`,
    `  agent sign-in:  name "${DEMO_AGENT.name}", password "${DEMO_AGENT.password}"`,
    `                  (a second console: name "${DEMO_AGENT_2.name}", password "${DEMO_AGENT_2.password}")`,
    '  staff:          Ana Answers (answers with a voice, a tone, and hangs up after 4 s; accepts video),',
    '                  Ben Declines,',
    '                  Cleo Offline (phone offline)',
    `  APNs emulator:  ${demo.emulator.url} (CA: ${path.join(dataDir, 'demo-apns-ca.pem')})`,
    '',
    `Place one call to each phone and see their timelines:  npm run demo:call -- --server ${demo.url}`,
    'Stop with Ctrl-C.',
  ].join('\n');
}
