import type { Call } from '#shared';
import { useCallActions } from './useCallActions';
import { setVoiceHeld, setVoiceMuted, stopVoice } from './voice/session';
import { useVoice } from './voice/VoiceSession';

/**
 * Hang up, mute and hold one call, with its voice kept in step: the call panel's buttons and the
 * keyboard shortcuts do the same thing. `muted` is what Mute shows: with a voice on this page, the
 * agent's own microphone (a phone's mute shows as a note instead).
 */
export function useCallControls(call: Call | null) {
  const { act, toggle } = useCallActions();
  const voiceMuted = useVoice((s) => (call && s.callId === call.id ? (s.snapshot?.muted ?? null) : null));
  const muted = voiceMuted ?? call?.muted ?? false;
  const ringing = call !== null && call.state !== 'ended' && call.answeredAt === null;
  const hangUp = () => {
    if (!call) return;
    // The phone learns of the hang-up as the call's end; a bye racing it could end the call as
    // "hung up on the phone" instead.
    stopVoice({ bye: false });
    void act('call:hangup', call.id, ringing ? 'cancel the call' : 'hang up');
  };
  const mute = async (on: boolean) => {
    if (!call) return;
    setVoiceMuted(on);
    if (!(await toggle('call:mute', call.id, on))) setVoiceMuted(!on);
  };
  const hold = async (on: boolean) => {
    if (!call) return;
    setVoiceHeld(on);
    if (!(await toggle('call:hold', call.id, on))) setVoiceHeld(!on);
  };
  return { muted, hangUp, mute, hold };
}
