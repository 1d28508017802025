/** What an emulator saw of its clients' manners under rate limiting. */
export interface RateLimitStats {
  /** API requests from known credentials. */
  requests: number;
  /** Requests refused for going too fast (a 429, or the API's own throttle error). */
  rateLimited: number;
  /** Requests that came before the wait the credential had been told to observe was over. */
  earlyRetries: number;
}

interface AnnouncedWait {
  /** When the first refusal of this spell was answered. */
  sinceMs: number;
  /** When the credential may call again. */
  untilMs: number;
}

/** How far either side of an instant a request still counts as on time: timers and clocks are coarse. */
export const EARLY_RETRY_TOLERANCE_MS = 100;

/**
 * Remembers, per credential, until when a refusal told it to wait (Retry-After, a reset time) and
 * counts the requests that come sooner. Requests arriving within the tolerance after the refusal
 * are not counted: they were already on their way when it went out.
 */
export class RateLimitWatch {
  private readonly waits = new Map<string, AnnouncedWait>();
  private readonly counts: RateLimitStats = { requests: 0, rateLimited: 0, earlyRetries: 0 };

  constructor(
    private readonly toleranceMs = EARLY_RETRY_TOLERANCE_MS,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Counts a request from `credential`, before it is let through or refused. */
  request(credential: string): void {
    this.counts.requests++;
    const wait = this.waits.get(credential);
    if (wait === undefined) return;
    const now = this.nowMs();
    if (now >= wait.untilMs) {
      this.waits.delete(credential);
      return;
    }
    if (now > wait.sinceMs + this.toleranceMs && now < wait.untilMs - this.toleranceMs) this.counts.earlyRetries++;
  }

  /** Records a refusal telling `credential` to wait `waitMs` (0 when the answer names no wait). */
  refused(credential: string, waitMs: number): void {
    this.counts.rateLimited++;
    if (!(waitMs > 0)) return;
    const now = this.nowMs();
    const current = this.waits.get(credential);
    // A refusal inside a wait still running extends it; the spell began with the first one.
    const sinceMs = current !== undefined && now < current.untilMs ? current.sinceMs : now;
    this.waits.set(credential, { sinceMs, untilMs: Math.max(current?.untilMs ?? 0, now + waitMs) });
  }

  /** A copy of the counts so far. */
  stats(): RateLimitStats {
    return { ...this.counts };
  }
}
