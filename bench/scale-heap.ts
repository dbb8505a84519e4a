/**
 * `npx tsx bench/scale-heap.ts [bare|switchboard] [PHONES]`: what one connected phone holds in the
 * server's heap, by kind of object. Starts bench/scale-server.ts, takes a heap snapshot before and
 * after PHONES phones (default 2000) connect, and prints the difference per phone by (V8 type,
 * constructor), largest first: how bench:scale's memory per connection was taken apart.
 */
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { deviceAuth } from '#shared';

const mode = process.argv[2] === 'bare' ? 'bare' : 'switchboard';
const phones = Number(process.argv[3] ?? 2000);

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and objects by "type:name" (strings and code lumped together). */
function tally(file: string): Map<string, { n: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { n: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const t = snap.snapshot.meta.node_types[0][snap.nodes[i + type]!]!;
    const n = /string/.test(t) ? '(strings)' : t === 'code' ? '(code)' : snap.strings[snap.nodes[i + name]!]!;
    const key = `${t}:${n}`.slice(0, 80);
    const entry = out.get(key) ?? { n: 0, bytes: 0 };
    entry.n++;
    entry.bytes += snap.nodes[i + size]!;
    out.set(key, entry);
  }
  return out;
}

const child = fork(path.join(import.meta.dirname, 'scale-server.ts'), [mode, String(phones)], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = (await new Promise((resolve) => child.once('message', resolve))) as {
  port: number;
  devices: { deviceId: string; deviceSecret: string }[];
};
const snapshot = (label: string) =>
  new Promise<string>((resolve) => {
    child.once('message', (m: { file: string }) => resolve(m.file));
    child.send({
      type: 'snapshot',
      file: path.join(tmpdir(), `switchboard-${mode}-${process.pid}-${label}.heapsnapshot`),
    });
  });
const before = await snapshot('before');
const sockets: Socket[] = [];
for (let i = 0; i < ready.devices.length; i += 200) {
  await Promise.all(
    ready.devices.slice(i, i + 200).map(
      ({ deviceId, deviceSecret }) =>
        new Promise<void>((resolve, reject) => {
          const socket = io(`http://127.0.0.1:${ready.port}/device`, {
            auth: deviceAuth(deviceId, deviceSecret),
            transports: ['websocket'],
            reconnection: false,
          });
          sockets.push(socket);
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        }),
    ),
  );
}
const after = await snapshot('after');
for (const s of sockets) s.close();
child.kill();
const [a, b] = [tally(before), tally(after)];
for (const f of [before, after]) rmSync(f, { force: true });
const rows = [...b].map(([key, v]) => {
  const o = a.get(key) ?? { n: 0, bytes: 0 };
  return { key, objects: (v.n - o.n) / phones, bytes: (v.bytes - o.bytes) / phones };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, r) => sum + r.bytes, 0);
process.stdout.write(
  `${mode}: ${(total / 1024).toFixed(1)} KB of heap per connected phone (${phones} phones)\n`,
);
for (const r of rows.slice(0, 20)) {
  process.stdout.write(
    `${r.bytes.toFixed(0).padStart(7)} B ${r.objects.toFixed(1).padStart(6)} objects  ${r.key}\n`,
  );
}
