import { createStore } from 'zustand/vanilla';
import type { RtcSignal } from '#shared';
import type { ConsoleApi } from '../../../api/context';
import type { ReadonlyStore } from '../../../store/store';
import { openChosenMicrophone, type PeerLike, type TrackLike, VoiceController } from '../../call';
import { type AnswerPeer, ConsultAnswerer, type ConsultPhase } from './answerer';

export interface ConsultUiState {
  /** The call the consultation is about, null when there is none. */
  callId: string | null;
  phase: ConsultPhase | null;
}

const store = createStore<ConsultUiState>(() => ({ callId: null, phase: null }));

/** The consultation's audio, for the transfer cards; only this module's functions change it. */
export const consultStore: ReadonlyStore<ConsultUiState> = store;

/** One consultation at a time: an agent consults about at most one call. */
let current: { callId: string; close: () => void } | null = null;

/**
 * A warm transfer's consultation between two consoles, on its own peer connection beside the
 * call's (whose phone is on hold meanwhile): the first agent's console offers with the call's own
 * voice controller, the chosen agent's answers by the phone's rules. Signaled by `consult:signal`.
 */
export async function startConsult(
  api: ConsoleApi,
  callId: string,
  side: 'offerer' | 'answerer',
  audio: HTMLAudioElement,
): Promise<void> {
  if (current?.callId === callId) return;
  stopConsult();
  const onPhase = (phase: ConsultPhase) => {
    if (current?.callId === callId) store.setState({ phase });
  };
  const fetchIce = () => api.request('rtc:ice', { callId });
  const send = (signal: RtcSignal) => api.request('consult:signal', { callId, signal });
  const onRemoteTrack = (track: TrackLike) => {
    audio.srcObject = new MediaStream([track as unknown as MediaStreamTrack]);
    void audio.play().catch(() => undefined);
  };
  store.setState({ callId, phase: 'starting' });
  const run = side === 'offerer' ? offerer() : answerer();
  const unsubscribe = api.onConsultSignal((p) => {
    if (p.callId === callId) run.handle(p.signal);
  });
  current = {
    callId,
    close: () => {
      unsubscribe();
      run.close();
      audio.srcObject = null;
    },
  };
  await run.start().catch(() => onPhase('failed'));

  function offerer() {
    const controller = new VoiceController({
      fetchIce,
      send,
      createPeer: (config) => new RTCPeerConnection(config) as unknown as PeerLike,
      openMicrophone: openChosenMicrophone,
      onRemoteTrack,
      onChange: (snapshot) => onPhase(offererPhase(snapshot.phase)),
    });
    return {
      start: () => controller.start(),
      handle: (signal: RtcSignal) => void controller.handle(signal),
      close: () => controller.close({ bye: false }),
    };
  }

  function answerer() {
    const consult = new ConsultAnswerer({
      fetchIce,
      send,
      createPeer: (config) => new RTCPeerConnection(config) as unknown as AnswerPeer,
      openMicrophone: openChosenMicrophone,
      onRemoteTrack,
      onPhase,
    });
    return {
      start: () => consult.start(),
      handle: (signal: RtcSignal) => consult.handle(signal),
      close: () => consult.close(),
    };
  }
}

/** The consultation is over (completed, cancelled, the call ended): both sides learn it from the server. */
export function stopConsult(): void {
  if (!current) return;
  const { close } = current;
  current = null;
  close();
  store.setState({ callId: null, phase: null });
}

function offererPhase(phase: string): ConsultPhase {
  if (phase === 'connected') return 'connected';
  if (phase === 'failed') return 'failed';
  if (phase === 'ended') return 'ended';
  return 'connecting';
}
