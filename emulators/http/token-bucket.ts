interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Per-key token buckets: each key may spend `ratePerSecond` requests a second, with a burst of the same size. */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Takes one token for `key` at the given rate; false when the key is over its limit. A rate of 0 or less, or Infinity, never limits. */
  tryTake(key: string, ratePerSecond: number): boolean {
    if (!(ratePerSecond > 0) || ratePerSecond === Infinity) return true;
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: ratePerSecond, updatedMs: now };
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.updatedMs) / 1000) * ratePerSecond);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whole tokens `key` has left after its last request: the requests it may still send at once. */
  remaining(key: string): number {
    return Math.max(0, Math.floor(this.buckets.get(key)?.tokens ?? 0));
  }

  /** Forgets every bucket, so each key starts again with a full burst. */
  reset(): void {
    this.buckets.clear();
  }
}
