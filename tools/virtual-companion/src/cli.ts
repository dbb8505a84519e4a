import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { login } from '#shared';
import { connectEmulator } from '../../apns-emulator/src';
import { ask, firstRoster, openAgentSocket } from './agent-socket';
import { remoteNetwork } from './network';
import { VirtualPhone } from './phone';
import type { Behaviour } from './phone-types';

const HELP = `Usage: npm run companion -- --server URL --apns-emulator URL --apns-ca FILE (--code CODE... | --agent NAME --staff NAME) [options]

Runs one or more virtual phones that pair with a Switchboard server, receive VoIP pushes from an
APNs emulator, and answer, decline or ignore calls like a person would.

  --server URL            the call server, e.g. http://127.0.0.1:4780
  --apns-emulator URL     the APNs emulator the server pushes to (npm run apns-emulator prints it)
  --apns-ca FILE          the emulator's ca.pem
  --code CODE             a pairing code from the console (repeat, or comma-separate, one per phone)
  --agent NAME, --staff NAME
                          sign in as this agent and create pairing codes for this staff member
                          (created if missing) instead of --code; the agent's password is read
                          from SWITCHBOARD_AGENT_PASSWORD or the first line of --password-file FILE
  --count N               how many phones (default: one per --code, else 1)
  --answer-after 1s       answer each call this long after it rings
  --decline-after 1s      decline each call this long after it rings
  --hangup-after 10s      hang up this long after connecting
  --ignore                let calls ring (the default when none of the above is given)
  --offline               start offline: pushes wait at APNs until the phone is back
  --flaky-every 5s        drop the socket every so often (it reconnects)
  --media                 a real WebRTC peer per answered call: answers the console's offer, sends a
                          tone, measures what it hears (the console plays the tone)
  --help                  show this help`;

export class UsageError extends Error {}

export function parseDuration(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--${name} "${value}" is not a duration; use e.g. 500ms, 2s, 1m`);
  const unit = { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm'];
  return Math.round(Number(match[1]) * unit);
}

const PASSWORD_ENV = 'SWITCHBOARD_AGENT_PASSWORD';

/** As the server's `agents add`: a password given as an argument would sit in ps and the history. */
function agentPassword(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  if (values.password !== undefined) {
    throw new UsageError(
      `--password would put the password in ps and your shell history; set ${PASSWORD_ENV} or use --password-file FILE`,
    );
  }
  const file = values['password-file'] as string | undefined;
  if (file === undefined) return env[PASSWORD_ENV] || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--password-file: cannot read ${file}: ${(e as Error).message}`);
  }
  return text.split(/\r?\n/)[0] || undefined;
}

export function parseCompanionArgs(args: string[], env: NodeJS.ProcessEnv = process.env) {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        server: { type: 'string' },
        'apns-emulator': { type: 'string' },
        'apns-ca': { type: 'string' },
        code: { type: 'string', multiple: true },
        agent: { type: 'string' },
        password: { type: 'string' },
        'password-file': { type: 'string' },
        staff: { type: 'string' },
        count: { type: 'string' },
        'answer-after': { type: 'string' },
        'decline-after': { type: 'string' },
        'hangup-after': { type: 'string' },
        ignore: { type: 'boolean', default: false },
        offline: { type: 'boolean', default: false },
        'flaky-every': { type: 'string' },
        media: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true as const };
  for (const required of ['server', 'apns-emulator', 'apns-ca'] as const) {
    if (!values[required]) throw new UsageError(`--${required} is required`);
  }
  const codes = ((values.code as string[] | undefined) ?? []).flatMap((c) => c.split(',')).filter(Boolean);
  const minting = values.agent !== undefined;
  if (codes.length === 0 && !minting) throw new UsageError('give --code CODE, or --agent and --staff');
  const password = minting ? agentPassword(values, env) : undefined;
  if (minting && (!password || !values.staff))
    throw new UsageError(`--agent needs the password (${PASSWORD_ENV} or --password-file FILE) and --staff`);
  const count = values.count === undefined ? Math.max(codes.length, 1) : Number(values.count);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--count "${values.count}" must be a whole number ≥ 1`);
  if (!minting && codes.length < count) throw new UsageError(`--count ${count} needs ${count} pairing codes`);
  const behaviour: Behaviour = {
    answerAfterMs: values.ignore
      ? null
      : parseDuration('answer-after', values['answer-after'] as string | undefined),
    declineAfterMs: values.ignore
      ? null
      : parseDuration('decline-after', values['decline-after'] as string | undefined),
    hangupAfterMs: parseDuration('hangup-after', values['hangup-after'] as string | undefined),
  };
  return {
    help: false as const,
    server: values.server as string,
    emulatorUrl: values['apns-emulator'] as string,
    caPath: values['apns-ca'] as string,
    codes,
    agent: minting
      ? { name: values.agent as string, password: password as string, staff: values.staff as string }
      : null,
    count,
    behaviour,
    offline: values.offline === true,
    flakyEveryMs: parseDuration('flaky-every', values['flaky-every'] as string | undefined),
    media: values.media === true,
  };
}

/** Signs in as an agent and creates `count` pairing codes for a staff member (created if missing). */
async function mintCodes(
  server: string,
  agent: { name: string; password: string; staff: string },
  count: number,
) {
  const { token } = await login(server, agent.name, agent.password);
  const socket = openAgentSocket(server, token);
  try {
    const roster = await firstRoster(socket);
    const staff =
      roster.find((s) => s.name === agent.staff) ??
      (await ask(socket, 'staff:create', { name: agent.staff }));
    const codes: string[] = [];
    for (let i = 0; i < count; i++)
      codes.push((await ask(socket, 'pairing:create', { staffId: staff.id })).code);
    return codes;
  } finally {
    socket.close();
  }
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseCompanionArgs>;
  try {
    options = parseCompanionArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`companion: ${e.message}\nRun with --help for the options.`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const client = connectEmulator({ url: options.emulatorUrl, ca: readFileSync(options.caPath) });
  const codes = options.agent ? await mintCodes(options.server, options.agent, options.count) : options.codes;
  const phones: VirtualPhone[] = [];
  for (let i = 0; i < options.count; i++) {
    const phone = new VirtualPhone({
      server: options.server,
      network: remoteNetwork(client),
      behaviour: options.behaviour,
      name: options.count > 1 ? `Virtual iPhone ${i + 1}` : 'Virtual iPhone',
      flakyEveryMs: options.flakyEveryMs,
      media: options.media,
    });
    const label = phone.name;
    phone.on('ringing', (id: string) => console.log(`${label}: ringing (${id})`));
    phone.on('connected', (id: string) => console.log(`${label}: connected (${id})`));
    phone.on('ended', (id: string, reason: string) => console.log(`${label}: ended ${reason} (${id})`));
    phone.on('malformedPush', (why: string) =>
      console.log(`${label}: malformed push reported and ended: ${why}`),
    );
    phone.on('error', (err: Error) => console.error(`${label}: ${err.message}`));
    const creds = await phone.pair(codes[i]!);
    await phone.start();
    if (options.offline) await phone.goOffline();
    console.log(`${label}: paired as device ${creds.deviceId}${options.offline ? ' (offline)' : ''}`);
    phones.push(phone);
  }
  console.log(`${phones.length} virtual phone${phones.length === 1 ? '' : 's'} ready. Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  for (const phone of phones) await phone.close();
  client.close();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`companion: ${err.message}`);
      process.exit(1);
    },
  );
}
