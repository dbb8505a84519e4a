import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type Ack, type Call, type RtcIce, request, systemClock, type VideoState } from '#shared';
import { createServer, hashPassword, openStorage, type ServerConfig } from '../server/src';
import { consoleVoice, videoFor } from '../test-support/console-voice';
import {
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { inProcessNetwork, VirtualPhone } from '../tools/virtual-companion/src';
import { openAgentSocket } from '../tools/virtual-companion/src/agent-socket';
import { seedAgent } from './seed';
import { percentile } from './stats';

const BUNDLE_ID = 'com.example.switchboard';
/** How long the frame rate is watched at 640×480 on the first call of a run. */
const HOLD_MS = 10_000;

export interface VideoRun {
  /** Ms from the upgrade accepted (the console hears `video:changed` on) to its first decoded frame. */
  firstFrame: number[];
  /** Frames per second the console decoded over HOLD_MS, and the size they came at. */
  held: { fps: number; width: number; height: number };
}

/**
 * Video on calls (issue 27): for each call, the console (the renderer's VoiceController and
 * VideoLink on @roamhq/wrtc) asks for video once the voice is up, the virtual phone accepts and
 * attaches its synthetic camera (640×480, 30 fps), and the time from the acceptance reaching the
 * console to the first frame it decodes is taken. The first call also holds video for 10 s to
 * measure the frame rate kept at 640×480.
 */
export async function videoRun(label: string, calls: number, ice?: ServerConfig['ice']): Promise<VideoRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-video-bench-'));
  const logger = pino({ level: 'silent' });
  const clock = systemClock();
  const key = generateProviderKey();
  const emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const storage = await openStorage(`sqlite:${path.join(dir, 'bench.db')}`, { logger });
  await storage.migrate();
  const push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
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
    video: 'accept',
  });
  await phone.pair((await server.pairing.create(agentId, staffId)).code);
  await phone.start();
  await new Promise<void>((resolve) =>
    agent.connected ? resolve() : agent.once('connect', () => resolve()),
  );

  const firstFrame: number[] = [];
  let held = { fps: 0, width: 0, height: 0 };
  try {
    for (let i = 0; i < calls; i++) {
      const one = await oneVideoCall(agent, phone, staffId, i === 0);
      firstFrame.push(one.firstFrame);
      if (one.held) held = one.held;
      if ((i + 1) % 10 === 0) process.stderr.write(`  ${label}: ${i + 1} video calls\n`);
    }
  } finally {
    agent.close();
    await phone.close();
    await server.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${label}: ${calls} calls; upgrade accepted → first video frame on the console: p50 ${percentile(firstFrame, 50)} ms, p95 ${percentile(firstFrame, 95)} ms; held ${held.width}×${held.height} at ${held.fps} fps over ${HOLD_MS / 1000} s\n`,
  );
  return { firstFrame, held };
}

type AgentSocket = ReturnType<typeof openAgentSocket>;

async function oneVideoCall(agent: AgentSocket, phone: VirtualPhone, staffId: string, hold: boolean) {
  const answered = waitFor<{ call: Call }>(agent, 'call:changed', (p) => p.call.answeredByDeviceId !== null);
  const placed = await request(agent, 'call:place', { staffId, video: false });
  if (!placed.ok) throw new Error(`call:place: ${placed.error.message}`);
  const { call } = await answered;
  const callId = call.id;
  const voice = consoleVoice({
    callId,
    fetchIce: () => request(agent, 'rtc:ice', { callId }) as Promise<Ack<RtcIce>>,
    send: (signal) => request(agent, 'rtc:signal', { callId, signal }) as Promise<Ack<null>>,
    onSignal: (listener) => {
      agent.on('rtc:signal', listener);
      return () => agent.off('rtc:signal', listener);
    },
  });
  // The console's VideoLink, following the agent socket's `video:changed`.
  const video = videoFor({ socket: agent }, voice, callId);
  try {
    await voice.controller.start();
    await until(() => voice.listener?.firstAudioAt != null, 'audio on the console');
    const accepted = waitFor<VideoState>(
      agent,
      'video:changed',
      (v) => v.callId === callId && v.state === 'on',
    );
    const asked = await request(agent, 'video:request', { callId });
    if (!asked.ok) throw new Error(`video:request: ${asked.error.message}`);
    await accepted;
    const at = Date.now();
    await until(() => video.firstFrameAt !== null, 'the first video frame');
    const firstFrame = video.firstFrameAt! - at;
    let held: VideoRun['held'] | null = null;
    if (hold) {
      const start = video.frames;
      await new Promise((r) => setTimeout(r, HOLD_MS));
      held = { fps: Math.round(((video.frames - start) * 1000) / HOLD_MS), ...video.size };
    }
    return { firstFrame, held };
  } finally {
    video.close();
    voice.close(false);
    const ended = new Promise<void>((resolve) => {
      const onEnded = (id: string) => {
        if (id !== callId) return;
        phone.off('ended', onEnded);
        resolve();
      };
      phone.on('ended', onEnded);
    });
    await request(agent, 'call:hangup', { callId });
    await ended;
  }
}

function waitFor<T>(
  agent: AgentSocket,
  event: 'call:changed' | 'video:changed',
  match: (p: T) => boolean,
  ms = 20_000,
): Promise<T> {
  // One listener type for either broadcast: the typed socket's overloads cannot take a union.
  const socket = agent as unknown as {
    on(event: string, listener: (p: T) => void): void;
    off(event: string, listener: (p: T) => void): void;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const on = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}

/** Polls what the media measures (frames are counted, not announced); fails naming it. */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
