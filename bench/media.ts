/**
 * `npm run bench:media`: how soon a call has a voice. For each call, from the moment the console
 * learns the phone answered (`call:changed`) to the first audio heard: on the console (the phone's
 * tone, decoded above silence), on the phone (the console's), and both ways (the later of the two).
 * The console side is the renderer's own VoiceController on @roamhq/wrtc; the phone is a virtual
 * phone in media mode; signaling goes through a real call server. Direct (host candidates on
 * loopback), then forced through Debian's coturn on loopback with minted TURN credentials.
 *
 * Then calls from the web console in Chromium on a network that lets only TLS out, its leg through
 * coturn's TLS listener (`turns:`), the phone's over UDP (media-turns.ts).
 *
 * Then a call in the web console in Chromium, reloaded mid-call MEDIA_BENCH_RELOADS times: from
 * the reloaded page being ready to the phone's audio heard on it again (media-reload.ts).
 *
 * Then what an admin listening in costs the agent's console: its browser's CPU in a call, with
 * and without a supervisor listening, MEDIA_BENCH_SUPERVISE_ROUNDS times (media-supervise.ts).
 *
 * Video (issue 27, media-video.ts), direct and through TURN: from the upgrade accepted to the
 * console's first decoded frame of the phone's camera, and the frame rate held at 640×480 for 10 s.
 *
 * MEDIA_BENCH_CALLS (50, each way and over TLS), MEDIA_BENCH_RELOADS (30),
 * MEDIA_BENCH_SUPERVISE_ROUNDS (5), MEDIA_BENCH_VIDEO_CALLS (20 each path). Last line: `RESULT
 * p95_first_audio_ms=<x> p95_turn_first_audio_ms=<y> p95_turns_first_audio_ms=<t>
 * p95_reload_audio_back_ms=<z> supervisor_extra_cpu_pct=<s> p95_first_video_frame_ms=<v>
 * p95_turn_first_video_frame_ms=<w> video_fps_640x480=<f>` (goals: z at most 2,000; s under 5, %
 * of one core; v at most 500, w at most 800; f 0 when the picture was not 640×480).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type Ack, type Call, type RtcIce, request, systemClock } from '#shared';
import { createServer, hashPassword, openStorage, type ServerConfig } from '../server/src';
import { consoleVoice } from '../test-support/console-voice';
import { startTurnServer } from '../test-support/turn';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';
import { openAgentSocket } from '../tools/virtual-companion/src/agent-socket';
import { reloadSamples } from './media-reload';
import { superviseCpu, superviseReport } from './media-supervise';
import { turnsSamples } from './media-turns';
import { type VideoRun, videoRun } from './media-video';
import { seedAgent } from './seed';
import { percentile, positiveEnv } from './stats';

const CALLS = positiveEnv('MEDIA_BENCH_CALLS', 50);
const RELOADS = positiveEnv('MEDIA_BENCH_RELOADS', 30);
const SUPERVISE_ROUNDS = positiveEnv('MEDIA_BENCH_SUPERVISE_ROUNDS', 5);
const VIDEO_CALLS = positiveEnv('MEDIA_BENCH_VIDEO_CALLS', 20);
const BUNDLE_ID = 'com.example.switchboard';

type Sample = { console: number; phone: number; both: number };

async function run(label: string, ice: ServerConfig['ice'] | undefined): Promise<Sample[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-media-bench-'));
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const storage = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`, { logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  // Calls back to back, each with a dozen signals: far over the per-socket request rate a person
  // makes (20/s), which would refuse candidates and time setups out. The media path is measured here.
  const socketRate = { burst: 10_000, perSecond: 10_000 };
  const server = await createServer({
    storage,
    push,
    clock,
    logger,
    config: { socketRate, ...(ice ? { ice } : {}) },
  });
  const url = await server.listen(0);
  const token = await seedAgent(storage, 'bench', await hashPassword('bench password'), clock.now());
  const agent = openAgentSocket(url, token);
  const staffId = 'bench-staff';
  await storage.staff.create({ id: staffId, name: 'Bench Staff', handle: null, createdAt: clock.now() });
  const agentId = (await storage.agents.findByName('bench'))!.id;
  const phone = new VirtualPhone({
    server: url,
    network: inProcessNetwork(emulator),
    behaviour: { answerAfterMs: 0 },
    bundleId: BUNDLE_ID,
    media: true,
  });
  await phone.pair((await server.pairing.create(agentId, staffId)).code);
  await phone.start();
  await new Promise<void>((resolve) =>
    agent.connected ? resolve() : agent.once('connect', () => resolve()),
  );

  const samples: Sample[] = [];
  for (let i = 0; i < CALLS; i++) {
    samples.push(await oneCall(agent, phone, staffId));
    if ((i + 1) % 10 === 0) process.stderr.write(`  ${label}: ${i + 1} calls\n`);
  }
  process.stdout.write(`${label}: ${report(samples)}\n`);

  agent.close();
  await phone.close();
  await server.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  return samples;
}

async function oneCall(agent: ReturnType<typeof openAgentSocket>, phone: VirtualPhone, staffId: string) {
  let voice: ReturnType<typeof consoleVoice> | null = null;
  const answered = new Promise<{ call: Call; at: number }>((resolve) => {
    const onChanged = ({ call }: { call: Call }) => {
      if (call.answeredByDeviceId === null || call.state === 'ended') return;
      agent.off('call:changed', onChanged);
      resolve({ call, at: Date.now() });
    };
    agent.on('call:changed', onChanged);
  });
  const placed = await request(agent, 'call:place', { staffId, video: false });
  if (!placed.ok) throw new Error(`call:place: ${placed.error.message}`);
  const { call, at } = await within(answered, 'the phone to answer');
  voice = consoleVoice({
    callId: call.id,
    fetchIce: () => request(agent, 'rtc:ice', { callId: call.id }) as Promise<Ack<RtcIce>>,
    send: (signal) => request(agent, 'rtc:signal', { callId: call.id, signal }) as Promise<Ack<null>>,
    onSignal: (listener) => {
      agent.on('rtc:signal', listener);
      return () => agent.off('rtc:signal', listener);
    },
  });
  await voice.controller.start();
  let phoneHeard: number | null = null;
  const deadline = Date.now() + 20_000;
  while (voice.listener?.firstAudioAt == null || phoneHeard === null) {
    if (Date.now() > deadline) throw new Error(`no audio within 20 s (call ${call.id})`);
    phoneHeard = (await phone.mediaStats(call.id))?.firstAudioAt ?? null;
    await new Promise((r) => setTimeout(r, 5));
  }
  const heard = voice.listener.firstAudioAt - at;
  voice.close(false);
  const ended = new Promise<void>((resolve) => {
    const onEnded = (id: string) => {
      if (id !== call.id) return;
      phone.off('ended', onEnded);
      resolve();
    };
    phone.on('ended', onEnded);
  });
  await request(agent, 'call:hangup', { callId: call.id });
  await within(ended, 'the call to end on the phone');
  return { console: heard, phone: phoneHeard - at, both: Math.max(heard, phoneHeard - at) };
}

/** A wait that fails naming what it waited for, instead of hanging the benchmark. */
function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function report(samples: Sample[]): string {
  const line = (key: keyof Sample) =>
    `${key} p50 ${percentile(
      samples.map((s) => s[key]),
      50,
    )} ms, p95 ${percentile(
      samples.map((s) => s[key]),
      95,
    )} ms`;
  return `${samples.length} calls; first audio heard after the answer: ${line('console')}; ${line('phone')}; ${line('both')} (both ways)`;
}

async function main(): Promise<void> {
  process.stdout.write(`bench:media: ${CALLS} calls each way, answer → first audio\n`);
  const direct = await run('direct (host candidates on loopback)', undefined);
  const video = await videoRun('video, direct', VIDEO_CALLS);
  const turn = await startTurnServer();
  let relayed: Sample[];
  let relayedVideo: VideoRun;
  try {
    const ice = {
      stun: [],
      turn: [turn.url],
      turnSecret: turn.secret,
      turnTtlMs: 600_000,
      policy: 'relay' as const,
    };
    relayed = await run('through TURN (coturn on loopback, relay only, minted credentials)', ice);
    relayedVideo = await videoRun('video, through TURN', VIDEO_CALLS, ice);
  } finally {
    await turn.stop();
  }
  const p95 = (s: Sample[]) =>
    percentile(
      s.map((x) => x.both),
      95,
    );
  const overTls = await turnsSamples(CALLS);
  process.stdout.write(
    `through TURN over TLS (web console in Chromium, only turns: reachable; the phone over UDP): ${overTls.length} calls; first audio both ways after the answer: p50 ${percentile(overTls, 50)} ms, p95 ${percentile(overTls, 95)} ms\n`,
  );
  const reloads = await reloadSamples(RELOADS);
  process.stdout.write(
    `reload mid-call (web console in Chromium): ${reloads.length} reloads; page ready → the phone's audio back: p50 ${percentile(reloads, 50)} ms, p95 ${percentile(reloads, 95)} ms, max ${Math.max(...reloads)} ms\n`,
  );
  const supervised = await superviseCpu(SUPERVISE_ROUNDS, 5000);
  process.stdout.write(`${superviseReport(supervised)}\n`);
  process.stdout.write(
    `RESULT p95_first_audio_ms=${p95(direct)} p95_turn_first_audio_ms=${p95(relayed)} p95_turns_first_audio_ms=${percentile(overTls, 95)} p95_reload_audio_back_ms=${percentile(reloads, 95)} supervisor_extra_cpu_pct=${supervised.extraPct} p95_first_video_frame_ms=${percentile(video.firstFrame, 95)} p95_turn_first_video_frame_ms=${percentile(relayedVideo.firstFrame, 95)} video_fps_640x480=${video.held.width === 640 && video.held.height === 480 ? video.held.fps : 0}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:media failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
