import type {
  Clock,
  DeviceClientEvents,
  EndReason,
  MicrophonePermission,
  RequestAck,
  RequestPayload,
} from '#shared';
import type { PushNetwork } from './network';
import type { VideoAnswer } from './phone-video';

/** What the simulated person does when the phone rings. */
export interface Behaviour {
  /** Answer this long after ringing; null: never answer. */
  answerAfterMs: number | null;
  /** Decline this long after ringing (wins over answering); null: never decline. */
  declineAfterMs: number | null;
  /** Hang up this long after the call connected; null: stay on until the other side ends it. */
  hangupAfterMs: number | null;
}

export const IGNORE: Behaviour = { answerAfterMs: null, declineAfterMs: null, hangupAfterMs: null };

/**
 * What a bad network does to the phone's reports (tools/soak): a report sent again after its ack
 * (a retry whose first ack was lost), and an answer's `connected` overtaking its `answered` on the
 * way (then sent again in order, as the queue's retry would).
 */
export interface PhoneFaults {
  /** [0, 1): the caller's generator, so a seeded run injects the same faults. */
  random: () => number;
  /** Chance that an acked report is sent once more, same sequence number. */
  duplicateReports: number;
  /** Chance that an answer's `connected` is sent before its `answered`. */
  reorderReports: number;
}

export interface Credentials {
  deviceId: string;
  deviceSecret: string;
  staffId: string;
}

export interface VirtualPhoneOptions {
  /** The call server's base URL, e.g. http://127.0.0.1:4780. */
  server: string;
  network: PushNetwork;
  behaviour?: Partial<Behaviour>;
  credentials?: Credentials;
  name?: string;
  bundleId?: string;
  environment?: 'sandbox' | 'production';
  clock?: Clock;
  /** How long a report waits for its ack before it is sent again. */
  ackTimeoutMs?: number;
  /** Drop the socket every this many ms (a flaky network); it reconnects by itself. */
  flakyEveryMs?: number | null;
  /** Faults in what the phone sends, for soaks: duplicated and reordered reports. */
  faults?: PhoneFaults;
  /**
   * Media mode: a real WebRTC peer per answered call (media.ts) that answers the console's
   * offers, sends a tone and measures what it hears. Off: signals are ignored, as before.
   */
  media?: boolean | { toneHz?: number };
  /**
   * The app can send video (it says so in its handshake) and what its person does when the agent
   * asks for it; absent: an app without video, which the server never asks.
   */
  video?: VideoAnswer;
  /** What the app reports of its microphone permission on every connect (default granted). */
  microphone?: MicrophonePermission;
  log?: (line: string) => void;
}

/** One call as the phone's CallKit would hold it. */
export interface LocalCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  state: 'ringing' | 'answered' | 'connected' | 'ended';
  endReason: EndReason | null;
  /** How the phone first learned of it. */
  via: 'push' | 'socket' | 'placed';
  /** On hold, as CallKit would show it: the phone's own hold, or the server's (a warm transfer). */
  held: boolean;
  handle: string;
  history: string[];
}

/** The phone's request with an ack timeout: UNAVAILABLE when it is not connected or no ack came. */
export type PhoneRequest = <E extends keyof DeviceClientEvents & string>(
  event: E,
  payload: RequestPayload<DeviceClientEvents, E>,
) => Promise<RequestAck<DeviceClientEvents, E>>;
