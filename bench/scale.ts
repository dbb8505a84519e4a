/**
 * `npm run bench:scale`: 10,000 phones connected to one server process. Prints the server's RSS
 * per connection, the time to connect them all, and the time for a roster change to reach 10
 * consoles; and, in the same run, the RSS per connection of a bare Socket.IO server (the baseline).
 *
 * SCALE_BENCH_PHONES (10000). Last line: `RESULT kb_per_connection=<x> connect_all_s=<y> roster_fanout_ms=<z>
 * memory_ratio_to_bare=<RSS per connection, switchboard / bare>`; the JS heap per connection is printed too.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { agentAuth, deviceAuth, request, type StaffEntry } from '#shared';
import { first } from './seed';
import { positiveEnv } from './stats';

const PHONES = positiveEnv('SCALE_BENCH_PHONES', 10_000);
const BATCH = 200;

interface Ready {
  type: 'ready';
  port: number;
  devices: { deviceId: string; deviceSecret: string }[];
  agents: string[];
  rss: number;
}

function startChild(mode: 'bare' | 'switchboard'): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(path.join(import.meta.dirname, 'scale-server.ts'), [mode, String(PHONES)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready: Ready) => resolve({ child, ready }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

/** The child's resident memory and its JavaScript heap (used + external), after a full GC. */
function memoryOf(child: ChildProcess): Promise<{ rss: number; heap: number }> {
  return new Promise((resolve) => {
    child.once('message', (m: { rss: number; heap: number }) => resolve(m));
    child.send({ type: 'rss' });
  });
}

/** Connects every phone, BATCH at a time; returns the sockets and the seconds it took. */
async function connectAll(port: number, devices: Ready['devices']) {
  const sockets: Socket[] = [];
  const started = performance.now();
  for (let i = 0; i < devices.length; i += BATCH) {
    await Promise.all(
      devices.slice(i, i + BATCH).map(async ({ deviceId, deviceSecret }) => {
        const socket = io(`http://127.0.0.1:${port}/device`, {
          auth: deviceAuth(deviceId, deviceSecret),
          transports: ['websocket'],
          reconnection: false,
        });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
      }),
    );
  }
  return { sockets, seconds: (performance.now() - started) / 1000 };
}

async function measure(mode: 'bare' | 'switchboard') {
  const { child, ready } = await startChild(mode);
  const before = await memoryOf(child);
  const { sockets, seconds } = await connectAll(ready.port, ready.devices);
  const after = await memoryOf(child);
  const kbPerConnection = (after.rss - before.rss) / 1024 / PHONES;
  const heapKbPerConnection = (after.heap - before.heap) / 1024 / PHONES;
  let fanoutMs = Number.NaN;
  if (mode === 'switchboard') fanoutMs = await rosterFanout(ready);
  for (const s of sockets) s.close();
  child.kill();
  return { kbPerConnection, heapKbPerConnection, seconds, fanoutMs };
}

/** One agent renames a staff member; the time until all 10 consoles have the roster change. */
async function rosterFanout(ready: Ready): Promise<number> {
  const consoles = await Promise.all(
    ready.agents.map(async (token) => {
      const socket = io(`http://127.0.0.1:${ready.port}/agent`, {
        auth: agentAuth(token),
        transports: ['websocket'],
      });
      const snapshot = await first<{ staff: StaffEntry[] }>(socket, 'roster:snapshot');
      return { socket, snapshot };
    }),
  );
  const staffId = consoles[0]!.snapshot.staff[0]!.id;
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const name = `Renamed ${round}`;
    const arrived = consoles.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          const onChange = ({ staff }: { staff: StaffEntry[] }) => {
            if (staff.some((s) => s.id === staffId && s.name === name)) {
              socket.off('roster:changed', onChange);
              resolve();
            }
          };
          socket.on('roster:changed', onChange);
        }),
    );
    const started = performance.now();
    void request(consoles[0]!.socket, 'staff:update', { staffId, name });
    await Promise.all(arrived);
    samples.push(performance.now() - started);
  }
  for (const { socket } of consoles) socket.close();
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

async function main() {
  process.stdout.write(`bench:scale: ${PHONES} phones\n`);
  const bare = await measure('bare');
  process.stdout.write(
    `bare Socket.IO   ${bare.kbPerConnection.toFixed(1)} KB/connection (JS heap ${bare.heapKbPerConnection.toFixed(1)} KB), ` +
      `connected all in ${bare.seconds.toFixed(1)} s\n`,
  );
  const sb = await measure('switchboard');
  process.stdout.write(
    `switchboard      ${sb.kbPerConnection.toFixed(1)} KB/connection (JS heap ${sb.heapKbPerConnection.toFixed(1)} KB), ` +
      `connected all in ${sb.seconds.toFixed(1)} s, ` +
      `roster change to 10 consoles in ${sb.fanoutMs.toFixed(1)} ms (median of 5)\n`,
  );
  const memoryRatio = sb.kbPerConnection / bare.kbPerConnection;
  process.stdout.write(
    `ratio to bare: ${memoryRatio.toFixed(2)}x memory (JS heap ${(sb.heapKbPerConnection / bare.heapKbPerConnection).toFixed(2)}x), ` +
      `${(sb.seconds / bare.seconds).toFixed(2)}x connect time (target ≤ 1.1x memory, issue 23)\n`,
  );
  process.stdout.write(
    `RESULT kb_per_connection=${sb.kbPerConnection.toFixed(1)} connect_all_s=${sb.seconds.toFixed(2)} ` +
      `roster_fanout_ms=${sb.fanoutMs.toFixed(1)} memory_ratio_to_bare=${memoryRatio.toFixed(3)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:scale failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
