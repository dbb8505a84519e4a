/**
 * The APNs emulator in its own process, for bench/push.ts: the benchmark's clients then do not
 * share a CPU core (or an event loop) with the server they measure against.
 *
 * Takes the provider key (public half) in BENCH_PROVIDER_KEY (JSON {keyId, teamId, publicKeyPem}),
 * reports {port, ca} over IPC once listening, answers 'cpu' with {cpuUs} (its CPU time so far), and
 * closes when told 'close' or when the parent goes.
 */
import { startApnsEmulator } from '../tools/apns-emulator/src';

const key = JSON.parse(process.env.BENCH_PROVIDER_KEY ?? 'null') as {
  keyId: string;
  teamId: string;
  publicKeyPem: string;
} | null;
if (!key || !process.send) {
  process.stderr.write('emulator-process: start me from bench/push.ts (IPC and BENCH_PROVIDER_KEY needed)\n');
  process.exit(2);
}

const emulator = await startApnsEmulator({
  port: 0,
  host: '127.0.0.1',
  keys: [key],
  acceptUnknownTokens: true,
  // Nothing recorded: memory stays flat however many pushes go through.
  recordRequests: 0,
  maxConcurrentStreams: 1000,
});

const stop = async () => {
  await emulator.close();
  process.disconnect?.();
};
process.on('message', (message) => {
  if (message === 'close') void stop();
  // The bench reads our CPU time around each client's rounds (µs, user + system).
  if (message === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system });
  }
});
process.on('disconnect', () => void emulator.close());
process.send({ port: emulator.port, ca: emulator.ca });
