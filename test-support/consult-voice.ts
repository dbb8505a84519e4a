import type { Ack, RtcIce, RtcSignal } from '#shared';
import { VoiceController } from '../desktop/renderer/src/features/call/voice/controller';
import type { PeerLike, TrackLike } from '../desktop/renderer/src/features/call/voice/peer';
import {
  type AnswerPeer,
  ConsultAnswerer,
  type ConsultPhase,
} from '../desktop/renderer/src/features/transfer/consult/answerer';
import { Listener, Tone } from '../tools/virtual-companion/src/audio';
import { type MediaTrack, newPeer } from '../tools/virtual-companion/src/wrtc';
import { eventually } from './console-voice';
import type { TestClient } from './socket-client';

type Incoming = { callId: string; signal: RtcSignal };

/**
 * One side of a warm transfer's consultation in Node, with the console's own classes: the first
 * agent offers with the voice controller, the chosen agent answers with the consult answerer, each
 * over its own socket (`consult:signal`, `rtc:ice`) on @roamhq/wrtc, a tone for a microphone and a
 * listener on what arrives.
 */
export function consultFor(agent: TestClient, callId: string, side: 'offerer' | 'answerer', toneHz: number) {
  const tones: Tone[] = [];
  const phases: ConsultPhase[] = [];
  let listener: Listener | null = null;
  const fetchIce = () => agent.request<RtcIce>('rtc:ice', { callId });
  const send = (signal: RtcSignal) =>
    agent.request('consult:signal', { callId, signal }) as Promise<Ack<null>>;
  const openMicrophone = async () => {
    const tone = new Tone(toneHz);
    tones.push(tone);
    return tone.track as TrackLike;
  };
  const onRemoteTrack = (track: TrackLike) => {
    listener ??= new Listener(track as MediaTrack);
  };
  const createPeer = (config: { iceServers: unknown[]; iceTransportPolicy: 'all' | 'relay' }) =>
    newPeer(config as never);
  const run =
    side === 'offerer'
      ? (() => {
          const controller = new VoiceController({
            fetchIce,
            send,
            createPeer: (config) => createPeer(config) as unknown as PeerLike,
            openMicrophone,
            onRemoteTrack,
            onChange: (s) => {
              if (s.phase === 'connected') phases.push('connected');
            },
          });
          return {
            start: () => controller.start(),
            handle: (s: RtcSignal) => void controller.handle(s),
            close: () => controller.close({ bye: false }),
          };
        })()
      : (() => {
          const answerer = new ConsultAnswerer({
            fetchIce,
            send,
            createPeer: (config) => createPeer(config) as unknown as AnswerPeer,
            openMicrophone,
            onRemoteTrack,
            onPhase: (p) => phases.push(p),
          });
          return {
            start: () => answerer.start(),
            handle: (s: RtcSignal) => answerer.handle(s),
            close: () => answerer.close(),
          };
        })();
  const onSignal = (p: Incoming) => {
    if (p.callId === callId) run.handle(p.signal);
  };
  agent.socket.on('consult:signal', onSignal);
  return {
    start: () => run.start(),
    phases,
    get heard() {
      return { frames: listener?.frames ?? 0, energy: listener?.energy ?? 0 };
    },
    connected: () => eventually(() => phases.includes('connected'), `the ${side}'s consultation audio`),
    close() {
      run.close();
      agent.socket.off('consult:signal', onSignal);
      listener?.stop();
      for (const t of tones) t.stop();
    },
  };
}

export type ConsultVoice = ReturnType<typeof consultFor>;
