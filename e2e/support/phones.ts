import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { login } from '#shared';
import { connectEmulator } from '../../tools/apns-emulator/src';
import {
  type Behaviour,
  remoteNetwork,
  VirtualPhone,
  type VirtualPhoneOptions,
} from '../../tools/virtual-companion/src';
import { ask, firstRoster, openAgentSocket } from '../../tools/virtual-companion/src/agent-socket';
import type { DemoServer } from './demo-server';

const READY = /virtual phones? ready/;
const READY_TIMEOUT_MS = 30_000;

/**
 * `npm run companion -- --code CODE`: a virtual phone in its own process that redeems the code
 * the console shows, as a person scanning the QR code would. Resolves once it is paired.
 */
export async function companionWithCode(
  server: DemoServer,
  code: string,
  behaviour: string[] = ['--answer-after', '1s'],
): Promise<{ deviceId: string; stop(): Promise<void> }> {
  const args = ['run', 'companion', '--', '--server', server.url, '--apns-emulator', server.emulatorUrl];
  args.push('--apns-ca', server.caPath, '--code', code, ...behaviour);
  const child = spawn('npm', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const deviceId = await new Promise<string>((resolve, reject) => {
    // A companion that never gets ready must not outlive the test.
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`the companion was not ready in ${READY_TIMEOUT_MS} ms:\n${seen}`));
    }, READY_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const paired = /paired as device (\S+)/.exec(seen);
      if (paired && READY.test(seen)) {
        clearTimeout(timer);
        resolve(paired[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.once('exit', (status) => reject(new Error(`companion exited (${status}):\n${seen}`)));
  });
  return { deviceId, stop: () => stopGroup(child) };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

/**
 * A virtual phone in the test's own process, for what the companion CLI cannot do (placing a call
 * to the consoles). It is paired to a new staff member created through a second agent socket.
 */
export async function inProcessPhone(
  server: DemoServer,
  staffName: string,
  behaviour: Partial<Behaviour> = {},
  options: Pick<VirtualPhoneOptions, 'media' | 'microphone' | 'name' | 'video'> & { voipToken?: string } = {},
): Promise<{ phone: VirtualPhone; staffId: string; close(): Promise<void> }> {
  const code = await mintCode(server, staffName);
  const emulator = connectEmulator({ url: server.emulatorUrl, ca: readFileSync(server.caPath) });
  const phone = new VirtualPhone({
    server: server.url,
    network: remoteNetwork(emulator),
    behaviour,
    name: options.name ?? `${staffName.split(' ')[0]}'s test iPhone`,
    media: options.media,
    microphone: options.microphone,
    video: options.video,
  });
  // The same iPhone paired again: its VoIP token does not change with a new pairing.
  if (options.voipToken) phone.voipToken = options.voipToken;
  const creds = await phone.pair(code.code);
  await phone.start();
  return {
    phone,
    staffId: creds.staffId,
    async close() {
      await phone.close();
      emulator.close();
    },
  };
}

async function mintCode(server: DemoServer, staffName: string): Promise<{ code: string }> {
  const { token } = await login(server.url, 'demo', 'demo');
  const socket = openAgentSocket(server.url, token);
  try {
    const staff = await firstRoster(socket);
    const entry =
      staff.find((s) => s.name === staffName) ?? (await ask(socket, 'staff:create', { name: staffName }));
    return await ask(socket, 'pairing:create', { staffId: entry.id });
  } finally {
    socket.close();
  }
}
