import { type MediaStats, PhoneMedia } from './media';
import type { PhoneRequest, VirtualPhoneOptions } from './phone-types';

/**
 * Media mode: each call's WebRTC peer (media.ts), made the first time the call needs one and
 * kept after it for its final stats. Without media mode there is none, and signals are ignored.
 */
export class CallMedia {
  private readonly peers = new Map<string, PhoneMedia>();

  constructor(
    private readonly o: {
      mode: VirtualPhoneOptions['media'];
      request: PhoneRequest;
      /** Whether the call is one the phone holds and has not ended. */
      live: (callId: string) => boolean;
      /** The peer ended the call (the console's bye, or the connection failed for good). */
      endCall: (callId: string, reason: string) => void;
      /** ICE connected: the phone reports the call connected. */
      connected: (callId: string) => void;
      log?: (callId: string, line: string) => void;
    },
  ) {}

  /** The call's peer if it has one (ended ones included). */
  get(callId: string): PhoneMedia | null {
    return this.peers.get(callId) ?? null;
  }

  /** The call's peer, created the first time the call needs one (media mode only). */
  for(callId: string): PhoneMedia | null {
    if (!this.o.mode) return null;
    const existing = this.peers.get(callId);
    if (existing) return existing;
    if (!this.o.live(callId)) return null;
    const { request, log } = this.o;
    const media = new PhoneMedia({
      send: (signal) => void request('rtc:signal', { callId, signal }),
      fetchIce: async () => {
        const ack = await request('rtc:ice', { callId });
        return ack.ok ? ack.data : null;
      },
      endCall: (reason) => this.o.endCall(callId, reason),
      connected: () => this.o.connected(callId),
      reportQuality: (summary) => request('quality:report', { callId, summary }),
      toneHz: typeof this.o.mode === 'object' ? this.o.mode.toneHz : undefined,
      log: log && ((line) => log(callId, line)),
    });
    this.peers.set(callId, media);
    return media;
  }

  /** What this call's peer has heard and how it is connected (null without media). */
  stats(callId: string): Promise<MediaStats> | null {
    return this.peers.get(callId)?.stats() ?? null;
  }

  /** The phone closes: every peer ends. */
  endAll(): void {
    for (const m of this.peers.values()) m.input({ type: 'ended' });
  }
}
