import type { OperationLimit } from './spec';

/** A token bucket shared by every request of one connection in this worker process. */
export class RateLimiter {
  private tokens: number;
  private lastRefillMs: number;
  /** Until when the source told this connection to stay away. */
  private resumeAtMs = 0;

  constructor(
    private requestsPerSecond: number,
    private readonly burst: number = Math.max(1, Math.floor(requestsPerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastRefillMs = now();
  }

  /**
   * Waits until a request may go out, then spends one token. A long wait (Amazon allows one
   * order list a minute) calls `onWait` every few seconds, so a heartbeating caller stays alive.
   */
  async acquire(onWait?: () => void): Promise<void> {
    for (;;) {
      const heldMs = this.resumeAtMs - this.now();
      if (heldMs > 0) {
        await pause(heldMs, onWait);
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await pause(Math.ceil(((1 - this.tokens) / this.requestsPerSecond) * 1000), onWait);
    }
  }

  /** Follows the rate the source says applies to this caller (Amazon's `x-amzn-RateLimit-Limit`). */
  setRate(requestsPerSecond: number): void {
    if (!(requestsPerSecond > 0) || requestsPerSecond === this.requestsPerSecond) return;
    this.refill();
    this.requestsPerSecond = requestsPerSecond;
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

/** The longest a waiting request stays silent before `onWait` is called. */
const WAIT_SLICE_MS = 5_000;

async function pause(ms: number, onWait?: () => void): Promise<void> {
  for (let left = ms; left > 0; left -= WAIT_SLICE_MS) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, WAIT_SLICE_MS)));
    if (left > WAIT_SLICE_MS) onWait?.();
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The process-wide limiter of one connection, or of one operation of a connection where the source
 * limits each operation on its own (`<connection>:<operation>`), created on first use.
 */
export function limiterFor(key: string, requestsPerSecond: number, burst?: number): RateLimiter {
  const id = `${key}@${requestsPerSecond}/${burst ?? ''}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new RateLimiter(requestsPerSecond, burst);
    limiters.set(id, limiter);
  }
  return limiter;
}

/** The limiter of one operation of a connection, where the source limits each operation on its own (Amazon's usage plans). */
export function operationLimiter(connectionId: string, limit: OperationLimit): RateLimiter {
  return limiterFor(`${connectionId}:${limit.operation}`, limit.requestsPerSecond, limit.burst);
}
