import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';

/** The operations the emulator serves, by their SP-API operationId. */
export type SpOperation = 'getOrders' | 'getOrderItems' | 'createReport' | 'getReport' | 'getReportDocument';

/** Each operation's documented default usage plan: tokens added per second, and the bucket's size. */
export const USAGE_PLANS: Readonly<Record<SpOperation, { ratePerSecond: number; burst: number }>> = {
  getOrders: { ratePerSecond: 0.0167, burst: 20 },
  getOrderItems: { ratePerSecond: 0.5, burst: 30 },
  createReport: { ratePerSecond: 0.0167, burst: 15 },
  getReport: { ratePerSecond: 2, burst: 15 },
  getReportDocument: { ratePerSecond: 0.0167, burst: 15 },
};

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** A rate as `x-amzn-RateLimit-Limit` prints it: `0.0167`, `0.5`, `2.0`. */
export function rateLimitHeader(ratePerSecond: number): string {
  const rounded = Number(ratePerSecond.toFixed(4));
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

/**
 * SP-API rate limiting: a token bucket per access token and operation, filled at the operation's rate (times
 * `scale`) up to its burst; a request takes a token or is refused. `scale` 0 turns limiting off. A refusal
 * announces no wait, so the time until the bucket holds a token again stands for it when counting early retries.
 * A selling partner's plan may allow a smaller burst than documented, and no answer says so: `burstCap`.
 */
export class UsagePlanLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly watch = new RateLimitWatch();
  private burstCap: number | null = null;

  constructor(
    private scale: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** The operation's rate in force (the documented one while limiting is off). */
  rate(operation: SpOperation): number {
    return USAGE_PLANS[operation].ratePerSecond * (this.scale === 0 ? 1 : this.scale);
  }

  /** Counts a request of `credential` to `operation`; false when its bucket has no token. */
  admit(credential: string, operation: SpOperation): boolean {
    const key = `${credential} ${operation}`;
    this.watch.request(key);
    if (this.scale === 0) return true;
    const rate = this.rate(operation);
    const burst = this.burst(operation);
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedMs: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * rate);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.watch.refused(key, ((1 - bucket.tokens) / rate) * 1000);
    return false;
  }

  /** The operation's burst in force: the documented one, or the cap when it is smaller. */
  private burst(operation: SpOperation): number {
    return Math.min(USAGE_PLANS[operation].burst, this.burstCap ?? Number.POSITIVE_INFINITY);
  }

  /** Sets the multiplier of every rate (0 turns limiting off) and the cap on every burst (null: none), and fills every bucket again. */
  configure(settings: { scale?: number; burstCap?: number | null }): void {
    if (settings.scale !== undefined) this.scale = settings.scale;
    if (settings.burstCap !== undefined) this.burstCap = settings.burstCap;
    this.buckets.clear();
  }

  scaleInForce(): number {
    return this.scale;
  }

  burstCapInForce(): number | null {
    return this.burstCap;
  }

  stats(): RateLimitStats {
    return this.watch.stats();
  }

  /** Every refusal, with the time its bucket would next hold a token as the wait, and when the next request of the operation came. */
  announcedWaits(): WaitRecord[] {
    return this.watch.announcedWaits();
  }
}
