/** A token bucket shared by every request of one connection in this worker process. */
export class RateLimiter {
  private tokens: number;
  private lastRefillMs: number;
  /** Until when the source told this connection to stay away. */
  private resumeAtMs = 0;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly burst: number = Math.max(1, Math.floor(requestsPerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastRefillMs = now();
  }

  /** Waits until a request may go out, then spends one token. */
  async acquire(): Promise<void> {
    for (;;) {
      const heldMs = this.resumeAtMs - this.now();
      if (heldMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, heldMs));
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.requestsPerSecond) * 1000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /**
   * Empties the bucket after the source said we went too fast, so the next requests slow down, and
   * holds every request of the connection for `waitMs` when the source said how long to wait: a
   * Retry-After is addressed to the client, not only to the request that drew it.
   */
  drain(waitMs = 0): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    if (waitMs > 0) this.resumeAtMs = Math.max(this.resumeAtMs, this.now() + waitMs);
  }

  private refill(): void {
    const nowMs = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.requestsPerSecond);
    this.lastRefillMs = nowMs;
  }
}

const limiters = new Map<string, RateLimiter>();

/** The process-wide limiter of one connection, created on first use. */
export function limiterFor(connectionId: string, requestsPerSecond: number): RateLimiter {
  const key = `${connectionId}@${requestsPerSecond}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new RateLimiter(requestsPerSecond);
    limiters.set(key, limiter);
  }
  return limiter;
}
