import { parseArgs } from 'node:util';
import { type Call, ERROR_CODES, LoginError, login, request } from '#shared';
import { firstRoster, openAgentSocket } from './agent-socket';
import { formatTimeline } from './timeline';

/**
 * `npm run demo:call`: a scripted agent for the demo server. It signs in, places one call to each
 * staff member in turn, waits for each to end (hanging up one still ringing after --give-up), and
 * prints each call's timeline.
 */
const HELP = `Usage: npm run demo:call -- [--server URL] [--name demo] [--password demo] [--give-up 12s]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: 'http://127.0.0.1:4780' },
      name: { type: 'string', default: 'demo' },
      password: { type: 'string', default: 'demo' },
      'give-up': { type: 'string', default: '12s' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const giveUpMs = Number.parseFloat(values['give-up']) * (values['give-up'].endsWith('ms') ? 1 : 1000);
  if (!Number.isFinite(giveUpMs) || giveUpMs <= 0)
    throw new Error(`--give-up "${values['give-up']}" is not a duration`);

  const { token, agentId, name } = await login(values.server, values.name, values.password).catch(
    (err: unknown) => {
      if (!(err instanceof LoginError)) throw err;
      const hint =
        err.code === ERROR_CODES.UNAVAILABLE
          ? 'start one with: npm run server -- --demo'
          : 'is this the demo server?';
      throw new Error(`${err.message}; ${hint}`);
    },
  );

  const socket = openAgentSocket(values.server, token);
  const roster = await firstRoster(socket);
  const names = new Map<string, string>([[agentId, name]]);
  for (const s of roster) for (const d of s.devices) names.set(d.id, d.name);

  const ended = new Map<string, (call: Call) => void>();
  socket.on('call:changed', ({ call }) => {
    if (call.state === 'ended') ended.get(call.id)?.(call);
  });

  for (const staff of roster) {
    console.log(
      `\nCalling ${staff.name} (${staff.devices.length} phone${staff.devices.length === 1 ? '' : 's'})`,
    );
    const ack = await request(socket, 'call:place', { staffId: staff.id });
    if (!ack.ok) {
      console.log(`  refused: ${ack.error.code} ${ack.error.message}`);
      continue;
    }
    let call = ack.data;
    if (call.state !== 'ended') {
      const done = new Promise<Call>((resolve) => ended.set(call.id, resolve));
      const giveUp = setTimeout(() => {
        console.log(`  still ringing after ${giveUpMs / 1000} s: hanging up`);
        void request(socket, 'call:hangup', { callId: call.id });
      }, giveUpMs);
      call = await done;
      clearTimeout(giveUp);
    }
    console.log(formatTimeline(call, names));
  }
  socket.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`demo:call: ${err.message}`);
    process.exit(1);
  },
);
