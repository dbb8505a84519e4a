import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { type Call, isRingTest, partyPhone } from '#shared';
import { useApi } from '../../../api/context';
import { useConsole } from '../../../store/hooks';
import { consoleStore } from '../../../store/store';
import {
  setVoiceHeld,
  setVoiceMuted,
  signalingBack,
  startVoice,
  stopVoice,
  type VoiceUiState,
  voiceCallId,
  voiceStore,
} from './session';

export function useVoice<T>(select: (s: VoiceUiState) => T): T {
  return useStore(voiceStore, select);
}

/**
 * The agent's call that has a voice: live, theirs, and answered. Who offers: the console, as soon
 * as this is true (an outbound call the phone answered; an inbound call this agent accepted).
 */
export function voiceCall(calls: Record<string, Call>, agentId: string | null): Call | null {
  for (const call of Object.values(calls)) {
    if (call.state === 'ended' || agentId === null || call.agentId !== agentId) continue;
    // A ring test that was answered ends at once: there is nobody to talk to.
    if (isRingTest(call)) continue;
    // Answered: the call has a phone at the other end (shared's one rule for which phone that is).
    if (partyPhone(call) !== null) return call;
  }
  return null;
}

/** Whether the call's mute is the agent's own (the latest mute step came from the console). */
export function mutedByAgent(call: Call): boolean {
  const last = call.timeline.findLast((e) => e.event === 'muted' || e.event === 'unmuted');
  return call.muted && last?.source === 'agent';
}

/**
 * Runs the voice of the agent's answered call, whatever the call panel shows, and plays the
 * phone's audio. Mounted once, in the call dock.
 */
export function VoiceSession() {
  const api = useApi();
  const agentId = useConsole((s) => s.session?.agentId ?? null);
  const call = useConsole((s) => voiceCall(s.calls, agentId));
  const audio = useRef<HTMLAudioElement>(null);
  const callId = call?.id ?? null;
  const held = call?.held ?? false;
  // Another page of the agent's may mute the call: the audio here follows the call.
  const muted = call ? mutedByAgent(call) : false;

  useEffect(() => {
    const element = audio.current;
    const live = callId ? consoleStore.getState().calls[callId] : undefined;
    if (!callId || !element || !live) return;
    void startVoice(api, callId, element, { muted: mutedByAgent(live), held: live.held });
    return () => {
      if (voiceCallId() === callId) stopVoice({ bye: false });
    };
  }, [api, callId]);

  useEffect(() => {
    if (callId) setVoiceHeld(held);
  }, [callId, held]);

  useEffect(() => {
    if (callId) setVoiceMuted(muted);
  }, [callId, muted]);

  // The socket is back (a network drop): an offer sent while it was away never reached the phone.
  const connected = useConsole((s) => s.connection.status === 'connected');
  useEffect(() => {
    if (connected) signalingBack();
  }, [connected]);

  // biome-ignore lint/a11y/useMediaCaption: a live call's audio has no captions to offer.
  return <audio ref={audio} className="voice-audio" data-testid="call-audio" />;
}
