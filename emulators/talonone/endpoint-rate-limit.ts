import { FixedWindowLimiter } from '../http/fixed-window-limiter.js';
import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';

const WINDOW_MS = 1000;

/**
 * Talon.One's Management API limit: each endpoint (route template) takes `perSecond` requests a second, whichever
 * of the account's keys asks; 0 turns limiting off. A refusal announces no wait, so the end of the endpoint's
 * window stands for it when counting early retries.
 */
export class EndpointRateLimit {
  private readonly windows: FixedWindowLimiter;
  private readonly watch = new RateLimitWatch();

  constructor(private perSecond: number) {
    this.windows = new FixedWindowLimiter(Math.max(1, perSecond), WINDOW_MS);
  }

  /** Counts a request of `key` to `endpoint`; false when the endpoint's second is used up. */
  admit(key: string, endpoint: string): boolean {
    const who = `${key} ${endpoint}`;
    this.watch.request(who);
    if (this.perSecond === 0) return true;
    const state = this.windows.take(endpoint);
    if (!state.allowed) this.watch.refused(who, state.resetMs);
    return state.allowed;
  }

  /** Sets the requests per second (0 turns limiting off) and starts every window afresh. */
  configure(perSecond: number): void {
    this.perSecond = perSecond;
    this.windows.configure(Math.max(1, perSecond), WINDOW_MS);
  }

  rate(): number {
    return this.perSecond;
  }

  stats(): RateLimitStats {
    return this.watch.stats();
  }

  /** Every refusal, with its window's end as the wait, and when the same key's next request to the endpoint came. */
  announcedWaits(): WaitRecord[] {
    return this.watch.announcedWaits();
  }
}
