/**
 * The server half of bench:scale, in its own process so its memory can be measured alone.
 * `bare`: a plain Socket.IO server with a /device namespace (the baseline).
 * `switchboard`: the call server with N seeded phones and 10 agents.
 * Talks to the parent over IPC: sends {ready, port, devices, agents}; answers {rss} requests with
 * {rss, heap} (heap: V8's used heap plus external memory), after two full collections.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import { Server as IoServer } from 'socket.io';
import { systemClock } from '#shared';
import { createServer, openStorage } from '../server/src';
import { seedAgent, seedDevice } from './seed';

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  let port: number;
  const devices: { deviceId: string; deviceSecret: string }[] = [];
  const agents: string[] = [];
  if (mode === 'bare') {
    const http = createHttpServer();
    const io = new IoServer(http, { serveClient: false });
    io.of('/device').on('connection', (socket) => socket.join(`device:${socket.id}`));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
    for (let i = 0; i < count; i++) devices.push({ deviceId: String(i), deviceSecret: 'x'.repeat(43) });
  } else {
    const clock = systemClock();
    const storage = await openStorage('sqlite::memory:');
    await storage.migrate();
    const server = await createServer({
      storage,
      clock,
      logger: pino({ level: 'silent' }),
      config: { socketRate: { burst: 1e6, perSecond: 1e6 } },
    });
    const url = await server.listen(0);
    port = Number(new URL(url).port);
    let staffId = '';
    for (let i = 0; i < count; i++) {
      // Ten phones per staff member, as a larger team would have.
      if (i % 10 === 0) {
        staffId = randomUUID();
        await storage.staff.create({
          id: staffId,
          name: `Staff ${i / 10}`,
          handle: null,
          createdAt: clock.now(),
        });
      }
      devices.push(await seedDevice(storage, staffId, 'com.example.switchboard', clock.now()));
    }
    for (let a = 0; a < 10; a++) agents.push(await seedAgent(storage, `agent${a}`, 'x', clock.now()));
  }
  process.on('message', (msg: { type: string; file?: string }) => {
    if (msg.type === 'snapshot' && msg.file) {
      gc?.();
      process.send?.({ type: 'snapshot', file: writeHeapSnapshot(msg.file) });
    }
    if (msg.type === 'rss') {
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      process.send?.({ type: 'rss', rss: m.rss, heap: m.heapUsed + m.external });
    }
  });
  gc?.();
  process.send?.({ type: 'ready', port, devices, agents, rss: process.memoryUsage().rss });
}

main().catch((err) => {
  process.stderr.write(`scale-server: ${err.stack}\n`);
  process.exit(1);
});
