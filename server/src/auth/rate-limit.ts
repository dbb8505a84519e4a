import type { Clock } from '#shared';

/**
 * Token buckets keyed by caller (socket, IP, pairing code). `capacity` requests at once, refilled
 * at `perSecond`. Idle buckets are forgotten so memory follows active callers, not history.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {}

  take(key: string, cost = 1): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now);
    return allowed;
  }

  /** Gives back a token taken for work that turned out not to count (a correct password). */
  refund(key: string, amount = 1): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.capacity, bucket.tokens + amount);
  }

  private prune(now: number): void {
    const full = (this.capacity / this.perSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}
