import { BurstyRateLimiter, RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Requests per socket: `perSecond` sustained, with room for a burst of `burst` in all. Kept in
 * this process's memory even in a cluster, deliberately: a socket lives on one node, so no other
 * node ever counts its key, and a shared store would put a network round trip in front of every
 * request for nothing.
 */
export class SocketLimiter {
  private readonly limiter: BurstyRateLimiter;

  constructor(o: { perSecond: number; burst: number }) {
    const steady = new RateLimiterMemory({ keyPrefix: 'socket', points: o.perSecond, duration: 1 });
    // What a burst may take beyond the steady rate, refilled over a few seconds.
    const extra = Math.max(0, o.burst - o.perSecond);
    const burst = new RateLimiterMemory({ keyPrefix: 'socket_burst', points: extra, duration: 5 });
    this.limiter = new BurstyRateLimiter(steady, burst);
  }

  /** True when this socket may make one more request now. */
  async take(socketId: string): Promise<boolean> {
    try {
      await this.limiter.consume(socketId);
      return true;
    } catch (rejected) {
      if (rejected instanceof Error) throw rejected;
      return false;
    }
  }
}
