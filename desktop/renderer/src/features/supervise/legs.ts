import { createStore } from 'zustand/vanilla';
import type { RtcSignal, SuperviseMode } from '#shared';
import type { ConsoleApi } from '../../api/context';
import type { ReadonlyStore } from '../../store/store';
import {
  onVoiceMedia,
  openChosenMicrophone,
  type PeerLike,
  type TrackLike,
  VoiceController,
  voiceMedia,
} from '../call';
import { type AnswerPeer, ConsultAnswerer, type ConsultPhase } from '../transfer';
import { SupervisionMixer } from './mixer';

export type LegSide = 'agent' | 'supervisor';

export interface LegsState {
  /** How each side's peer connection is doing, by side (null: no such leg on this page). */
  agent: ConsultPhase | null;
  supervisor: ConsultPhase | null;
}

const store = createStore<LegsState>(() => ({ agent: null, supervisor: null }));

/** The supervision's audio on this page, for the cards; only this module changes it. */
export const legsStore: ReadonlyStore<LegsState> = store;

interface Leg {
  callId: string;
  setMode(mode: SuperviseMode): void;
  close(): void;
}

/** At most one leg of each side: a console supervises one call, and has one call supervised. */
const legs: Record<LegSide, Leg | null> = { agent: null, supervisor: null };

/**
 * Starts this page's side of a supervision: the agent's (it mixes and offers, like it offers to a
 * phone) or the supervisor's (it answers, by the phone's own rules). Signaled by `supervise:signal`.
 */
export async function startLeg(
  api: ConsoleApi,
  side: LegSide,
  callId: string,
  mode: SuperviseMode,
  audio: HTMLAudioElement,
): Promise<void> {
  if (legs[side]?.callId === callId) return;
  stopLeg(side);
  const onPhase = (phase: ConsultPhase) => {
    if (legs[side]?.callId === callId) store.setState({ [side]: phase });
  };
  const fetchIce = () => api.request('supervise:ice', { callId });
  const send = (signal: RtcSignal) => api.request('supervise:signal', { callId, signal });
  const run = side === 'agent' ? agentLeg() : supervisorLeg();
  const unsubscribe = api.onSuperviseSignal((p) => {
    if (p.callId === callId) run.handle(p.signal);
  });
  legs[side] = {
    callId,
    setMode: run.setMode,
    close: () => {
      unsubscribe();
      run.close();
      audio.srcObject = null;
    },
  };
  store.setState({ [side]: 'starting' });
  run.setMode(mode);
  await run.start().catch(() => onPhase('failed'));

  function play(track: TrackLike) {
    audio.srcObject = new MediaStream([track as unknown as MediaStreamTrack]);
    void audio.play().catch(() => undefined);
  }

  function agentLeg() {
    const mixer = new SupervisionMixer();
    let barging = false;
    const follow = () => {
      const media = voiceMedia();
      const ours = media?.callId === callId ? media : null;
      mixer.setPhone(ours?.remote ?? null);
      mixer.setMicrophone(ours?.microphone ?? null);
      // A reloaded page may learn of a barge before its call's voice is up: the mix goes out once it is.
      if (ours && barging) void ours.sendInstead(mixer.phoneTrack);
    };
    const unfollow = onVoiceMedia(follow);
    follow();
    const controller = new VoiceController({
      fetchIce,
      send,
      createPeer: (config) => new RTCPeerConnection(config) as unknown as PeerLike,
      // What the supervisor hears is the mix, sent as this peer's "microphone".
      openMicrophone: async () => mixer.supervisorTrack as unknown as TrackLike,
      onRemoteTrack: (track) => {
        play(track);
        mixer.setSupervisor(track as unknown as MediaStreamTrack);
      },
      onChange: (snapshot) => onPhase(phaseOf(snapshot.phase)),
      // Its quality is not the call's (nothing reports it): reading stats seldom keeps the agent's
      // page cheap (bench:media's supervisor CPU), while ICE failures still restart on their own.
      statsEveryMs: 10_000,
    });
    return {
      start: () => controller.start(),
      handle: (signal: RtcSignal) => void controller.handle(signal),
      setMode: (mode: SuperviseMode) => {
        // Listening, the agent does not hear the supervisor either: "unheard" is by both sides.
        audio.muted = mode === 'listen';
        mixer.setBarging(mode === 'barge');
        if ((mode === 'barge') !== barging) {
          barging = mode === 'barge';
          void voiceMedia()?.sendInstead(barging ? mixer.phoneTrack : null);
        }
      },
      close: () => {
        unfollow();
        if (barging) void voiceMedia()?.sendInstead(null);
        controller.close({ bye: false });
        mixer.close();
      },
    };
  }

  function supervisorLeg() {
    let mic: TrackLike | null = null;
    let speaking = mode !== 'listen';
    const answerer = new ConsultAnswerer({
      fetchIce,
      send,
      createPeer: (config) => new RTCPeerConnection(config) as unknown as AnswerPeer,
      openMicrophone: async () => {
        mic = await openChosenMicrophone();
        mic.enabled = speaking;
        return mic;
      },
      onRemoteTrack: play,
      onPhase,
    });
    return {
      start: () => answerer.start(),
      handle: (signal: RtcSignal) => answerer.handle(signal),
      // Listening, the microphone sends silence here too, whatever the agent's console does.
      setMode: (next: SuperviseMode) => {
        speaking = next !== 'listen';
        if (mic) mic.enabled = speaking;
      },
      close: () => answerer.close(),
    };
  }
}

export function setLegMode(side: LegSide, mode: SuperviseMode): void {
  legs[side]?.setMode(mode);
}

/** The supervision ended (the server said so to both consoles): no bye, each side closes. */
export function stopLeg(side: LegSide): void {
  const leg = legs[side];
  if (!leg) return;
  legs[side] = null;
  leg.close();
  store.setState({ [side]: null });
}

function phaseOf(phase: string): ConsultPhase {
  if (phase === 'connected' || phase === 'failed' || phase === 'ended') return phase;
  return 'connecting';
}
