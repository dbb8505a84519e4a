import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preview } from 'vite';
import { login, type StaffEntry } from '#shared';
import { hashPassword, hashSecret, newSecret, openStorage } from '../server/src';
import { firstRoster, openAgentSocket } from '../tools/virtual-companion/src/agent-socket';

export const BENCH_AGENT = { name: 'bench', password: 'bench-console-password' } as const;

const FIRST =
  `Ana Ben Cleo Dora Eli Fay Gus Hana Ivo Jana Kai Lea Milo Nia Omar Pia Quin Rosa Sami Tara Uma Vito
  Wren Xena Yuri Zoe Abel Bea Cyrus Dalia Emil Frida Gil Hugo Iris Joel Kira Luis Maya Nils Olga Pablo Rhea Sven
  Tess Ugo Vera Wim Yara Zeno`.split(/\s+/);
const LAST =
  `Okafor Silva Novak Berg Costa Haddad Ivanova Jensen Kowalski Laine Moreau Nakamura Oyelaran Petrov
  Quispe Rossi Sato Tanaka Ueda Varga Weber Xu Yilmaz Zhou Abbott Brandt Castillo Dubois Eriksen Fischer Garcia
  Horvat Ito Jovanovic Kim Lopez Meyer Nilsen Ortiz Park Reyes Schmidt Torres Urbano Vogel Walsh Young Zimmer
  Alvarez Becker Chen Diaz Evans Fong Gomez Hansen Iqbal Jones Klein Lund`.split(/\s+/);

export interface SeededRoster {
  dataDir: string;
  devices: number;
}

/**
 * Two phones per staff member (an iPhone and an iPad), as a team that rolled the app out to
 * every work device would have: most tokens fresh, some dead (410 from APNs), some never sent.
 * The first staff members are the same at every size, so searches mean the same at both.
 */
export async function seedRoster(devices: number): Promise<SeededRoster> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-console-'));
  const storage = await openStorage(`sqlite:${path.join(dataDir, 'switchboard.db')}`);
  try {
    await storage.migrate();
    const now = Date.now();
    await storage.agents.create({
      id: randomUUID(),
      name: BENCH_AGENT.name,
      passwordHash: await hashPassword(BENCH_AGENT.password),
      createdAt: now,
    });
    for (let i = 0; i < devices / 2; i++) {
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
      const staffId = randomUUID();
      await storage.staff.create({
        id: staffId,
        name: `${first} ${last}`,
        handle: `+1555${String(2_000_000 + i).padStart(7, '0')}`,
        createdAt: now,
      });
      for (const [j, kind] of ['iPhone', 'iPad'].entries()) {
        const n = i * 2 + j;
        const token = n % 20 === 7 ? null : randomBytes(32).toString('hex');
        await storage.devices.create({
          id: randomUUID(),
          staffId,
          secretHash: hashSecret(newSecret()),
          name: `${first}'s ${kind}`,
          model: kind === 'iPhone' ? 'iPhone15,2' : 'iPad14,1',
          osVersion: '18.1',
          appVersion: '1.0.0',
          bundleId: 'com.example.switchboard',
          apnsEnvironment: 'production',
          voipToken: token,
          tokenUpdatedAt: token ? now - (n % 90) * 86_400_000 : null,
          tokenInvalidAt: token && n % 20 === 13 ? now - 3_600_000 : null,
          tokenInvalidReason: token && n % 20 === 13 ? '410 Unregistered' : null,
          pairedAt: now - 100 * 86_400_000,
          lastSeenAt: now - (n % 48) * 3_600_000,
        });
      }
    }
  } finally {
    await storage.close();
  }
  return { dataDir, devices };
}

export interface BenchServer {
  url: string;
  /** Where the browser opens the console (the server itself, or a preview proxying to it). */
  consoleUrl: string;
  /** The roster exactly as the server sends it to a console. */
  roster: StaffEntry[];
  stop(): Promise<void>;
}

const LISTENING = /Switchboard server listening on (http\S+)/;

/** `npm run server` on the seeded data dir, in its own process group. */
export async function startBenchServer(seeded: SeededRoster): Promise<BenchServer> {
  const args = ['run', 'server', '--', '--data-dir', seeded.dataDir, '--port', '0', '--log-level', 'warn'];
  const child = spawn('npm', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = LISTENING.exec(seen);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${seen}`)));
  });
  const stopServer = () => stopGroup(child);
  try {
    const roster = await rosterOf(url);
    const web = await consoleFor(url);
    return {
      url,
      consoleUrl: web.url,
      roster,
      async stop() {
        await web.close();
        await stopServer();
        rmSync(seeded.dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopServer();
    throw e;
  }
}

async function rosterOf(url: string): Promise<StaffEntry[]> {
  const { token } = await login(url, BENCH_AGENT.name, BENCH_AGENT.password);
  const socket = openAgentSocket(url, token);
  try {
    return await firstRoster(socket);
  } finally {
    socket.close();
  }
}

/** The server serves dist/web at `/`; one that does not yet gets the same build through Vite's preview. */
async function consoleFor(url: string): Promise<{ url: string; close(): Promise<void> }> {
  const html = await fetch(`${url}/`)
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  if (html.includes('id="root"')) return { url, close: async () => undefined };
  const server = await preview({
    configFile: 'vite.web.config.ts',
    logLevel: 'warn',
    preview: {
      host: '127.0.0.1',
      port: 0,
      proxy: { '/api': url, '/socket.io': { target: url, ws: true } },
    },
  });
  const local = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
  if (!local) throw new Error('the Vite preview server did not report its URL');
  return {
    url: local,
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

/** Runs a command to completion, showing its output only if it fails. */
export function runQuiet(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}:\n${out}`)),
    );
  });
}
