import { z } from 'zod';
import { rtcIceSchema, rtcSignalSchema } from './events';

/**
 * The phone's side of a call's WebRTC signaling, as a pure step function: the console always
 * makes the offers (the first once the call is answered, later ones to restart ICE), the phone
 * answers them. The virtual phone runs it, the iOS app runs its Swift copy, and both test suites
 * replay the same sequences (`shared/fixtures/rtc-sequence`) against it.
 *
 * Rules it keeps:
 * - ICE servers come from the server (`rtc:ice`) before the peer connection exists; a restart
 *   offer fetches them again (TURN credentials expire) and reconfigures the same peer.
 * - A candidate that arrives before the offer it belongs to has been applied waits for it
 *   (the relay keeps order, but the offer's own steps are asynchronous).
 * - One negotiation at a time: an offer that arrives during one waits, and only the latest counts.
 * - An offer from another session (its SDP `o=` session id changed: the console was reloaded and
 *   made a new peer connection) replaces this peer with a new one instead of failing the call.
 * - `bye` from the console closes the peer and ends the call; a phone that hangs up says `bye`.
 * - Video (video.ts) is a re-offer from the same session: once the offer is applied, an offer
 *   with a video section makes the adapter attach its camera to that section when the call's
 *   video is on (or paused), or detach it, before the answer (`camera`); voice is untouched. When
 *   video goes off the camera is detached at once, without waiting for the console's re-offer.
 */

const candidateSchema = rtcSignalSchema.options[2];
export type RtcCandidate = Omit<z.infer<typeof candidateSchema>, 'type'>;

export const answererInputSchema = z.discriminatedUnion('type', [
  /** The call is answered (this phone answered it, or an agent accepted the phone's call). */
  z.object({ type: z.literal('answered') }),
  /** `rtc:ice` answered. */
  z.object({ type: z.literal('ice'), ice: rtcIceSchema }),
  /** `rtc:ice` refused or unanswered: go on with host candidates alone. */
  z.object({ type: z.literal('iceUnavailable') }),
  z.object({ type: z.literal('signal'), signal: rtcSignalSchema }),
  /** setRemoteDescription(offer) completed. */
  z.object({ type: z.literal('remoteSet') }),
  /** createAnswer + setLocalDescription completed. */
  z.object({ type: z.literal('localAnswer'), sdp: z.string() }),
  /** A negotiation step failed. */
  z.object({ type: z.literal('negotiationFailed'), reason: z.string() }),
  z.object({ type: z.literal('localCandidate'), candidate: candidateSchema.omit({ type: true }) }),
  /** The person hung up on the phone. */
  z.object({ type: z.literal('hangup') }),
  /** The call ended on the server (or the console's hang-up arrived first). */
  z.object({ type: z.literal('ended') }),
  /** `video:changed`: whether the phone's camera should be sent (state `on` or `paused`). */
  z.object({ type: z.literal('video'), send: z.boolean() }),
]);
export type AnswererInput = z.infer<typeof answererInputSchema>;

export const answererEffectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fetchIce') }),
  z.object({ type: z.literal('createPeer'), ice: rtcIceSchema }),
  z.object({ type: z.literal('configure'), ice: rtcIceSchema }),
  z.object({ type: z.literal('setRemoteOffer'), sdp: z.string() }),
  z.object({ type: z.literal('addCandidate'), candidate: candidateSchema.omit({ type: true }) }),
  z.object({ type: z.literal('createAnswer') }),
  z.object({ type: z.literal('send'), signal: rtcSignalSchema }),
  z.object({ type: z.literal('closePeer') }),
  /** End the call on the phone (the console said bye, or negotiation failed). */
  z.object({ type: z.literal('endCall'), reason: z.string() }),
  /**
   * Attach the camera track to the offer's video section and send on it (`send`), or detach it
   * and only receive: after `setRemoteOffer` completed, before `createAnswer`; or at once when
   * video goes off.
   */
  z.object({ type: z.literal('camera'), send: z.boolean() }),
]);
export type AnswererEffect = z.infer<typeof answererEffectSchema>;

export interface AnswererState {
  ice: z.infer<typeof rtcIceSchema> | null;
  fetching: boolean;
  peer: boolean;
  /** An offer has been applied: candidates may be added. */
  remoteDescription: boolean;
  negotiating: boolean;
  /** The offer waiting for ICE servers or for the negotiation in progress. */
  offer: string | null;
  /** The SDP session id of the console's peer connection this peer talks to. */
  session: string | null;
  candidates: RtcCandidate[];
  closed: boolean;
  /** The call's video is on or paused: the camera belongs in the next answer. */
  video: boolean;
  /** The offer being negotiated has a video section. */
  offerVideo: boolean;
  /** The camera is attached to the peer. */
  cameraSent: boolean;
}

export const initialAnswerer = (): AnswererState => ({
  ice: null,
  fetching: false,
  peer: false,
  remoteDescription: false,
  negotiating: false,
  offer: null,
  session: null,
  candidates: [],
  closed: false,
  video: false,
  offerVideo: false,
  cameraSent: false,
});

/** One input in, the next state and what the adapter must do, in order. */
export function answererStep(
  state: AnswererState,
  input: AnswererInput,
): { state: AnswererState; effects: AnswererEffect[] } {
  if (state.closed) return { state, effects: [] };
  const s: AnswererState = { ...state, candidates: [...state.candidates] };
  const effects: AnswererEffect[] = [];
  const fetchIce = () => {
    if (s.fetching) return;
    s.fetching = true;
    effects.push({ type: 'fetchIce' });
  };
  const close = (why: 'hangup' | 'ended' | 'bye' | 'failed', reason = '') => {
    if (why === 'hangup' && s.peer) effects.push({ type: 'send', signal: { type: 'bye' } });
    if (s.peer) effects.push({ type: 'closePeer' });
    if (why === 'bye' || why === 'failed') effects.push({ type: 'endCall', reason });
    return { state: { ...initialAnswerer(), closed: true }, effects };
  };

  switch (input.type) {
    case 'answered':
      if (!s.ice) fetchIce();
      break;
    case 'ice':
      s.fetching = false;
      if (s.peer) effects.push({ type: 'configure', ice: input.ice });
      s.ice = input.ice;
      break;
    case 'iceUnavailable':
      // The servers of before (or none) are better than no call.
      s.fetching = false;
      s.ice ??= { iceServers: [], iceTransportPolicy: 'all', expiresAt: null };
      break;
    case 'signal': {
      const signal = input.signal;
      if (signal.type === 'bye') return close('bye', 'the console hung up');
      if (signal.type === 'offer') {
        s.offer = signal.sdp;
        if (s.peer && s.session !== null && sdpSession(signal.sdp) !== s.session) {
          // The console's peer connection is a new one: so is ours, and what the old one waited for goes.
          effects.push({ type: 'closePeer' });
          Object.assign(s, {
            peer: false,
            remoteDescription: false,
            negotiating: false,
            candidates: [],
            cameraSent: false,
          });
          fetchIce();
        } else if (s.peer && !s.negotiating) fetchIce();
        // A restart offer (above): TURN credentials may have expired since the call began.
        else if (!s.ice) fetchIce();
      } else if (signal.type === 'candidate') {
        const { type: _type, ...candidate } = signal;
        if (s.remoteDescription && !s.negotiating && s.offer === null) {
          effects.push({ type: 'addCandidate', candidate });
        } else s.candidates.push(candidate);
      }
      break;
    }
    case 'remoteSet':
      // A completion that belongs to no negotiation (a replaced peer's) changes nothing.
      if (!s.negotiating) break;
      s.remoteDescription = true;
      for (const candidate of s.candidates) effects.push({ type: 'addCandidate', candidate });
      s.candidates = [];
      if (s.offerVideo) {
        effects.push({ type: 'camera', send: s.video });
        s.cameraSent = s.video;
      }
      effects.push({ type: 'createAnswer' });
      break;
    case 'localAnswer':
      if (!s.negotiating) break;
      s.negotiating = false;
      effects.push({ type: 'send', signal: { type: 'answer', sdp: input.sdp } });
      // An offer that came during this negotiation is a restart: fresh ICE servers first.
      if (s.offer !== null) fetchIce();
      break;
    case 'negotiationFailed':
      return close('failed', `media negotiation failed: ${input.reason}`);
    case 'localCandidate':
      effects.push({ type: 'send', signal: { type: 'candidate', ...input.candidate } });
      break;
    case 'hangup':
    case 'ended':
      return close(input.type);
    case 'video':
      s.video = input.send;
      if (!input.send && s.cameraSent) {
        effects.push({ type: 'camera', send: false });
        s.cameraSent = false;
      }
      break;
  }

  // Negotiate once there is an offer, ICE servers, and nothing else in progress.
  if (s.offer !== null && s.ice && !s.fetching && !s.negotiating) {
    if (!s.peer) {
      effects.push({ type: 'createPeer', ice: s.ice });
      s.peer = true;
    }
    effects.push({ type: 'setRemoteOffer', sdp: s.offer });
    s.session = sdpSession(s.offer);
    s.offerVideo = /^m=video /m.test(s.offer);
    s.offer = null;
    s.negotiating = true;
  }
  return { state: s, effects };
}

/**
 * A recorded sequence (`shared/fixtures/rtc-sequence`): valid when replaying its inputs from the
 * initial state gives exactly its effects, step by step.
 */
export const rtcSequenceSchema = z
  .strictObject({
    description: z.string(),
    steps: z
      .array(z.strictObject({ input: answererInputSchema, effects: z.array(answererEffectSchema) }))
      .min(1),
  })
  .refine(
    ({ steps }) => {
      let state = initialAnswerer();
      for (const step of steps) {
        const next = answererStep(state, step.input);
        if (canonical(next.effects) !== canonical(step.effects)) return false;
        state = next.state;
      }
      return true;
    },
    { message: 'the effects differ from what the answerer does', path: ['steps'] },
  );

/** The session id of an SDP's origin line (`o=<user> <session id> <version> …`), RFC 4566 5.2. */
export function sdpSession(sdp: string): string | null {
  return /^o=\S+ (\S+) /m.exec(sdp)?.[1] ?? null;
}

/** JSON with keys sorted, so two effects compare by content whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
