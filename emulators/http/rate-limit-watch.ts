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

/** One refusal that told a credential to wait, and when that credential's next request came. */
export interface WaitRecord {
  credential: string;
  /** When the refusal was answered, on the watch's clock. */
  announcedAtMs: number;
  /** The wait it named. */
  waitMs: number;
  /**
   * When the credential's next request came, on the same clock: the first one later than the
   * tolerance after the refusal (those sooner were on their way already). Null while none has.
   */
  nextRequestAtMs: number | null;
}

/** How far either side of an instant a request still counts as on time: timers and clocks are coarse. */
export const EARLY_RETRY_TOLERANCE_MS = 100;

/**
 * Remembers, per credential, until when a refusal told it to wait (Retry-After, a reset time) and
 * counts the requests that come sooner. Requests arriving within the tolerance after the refusal
 * are not counted: they were already on their way when it went out. Every refusal that named a
 * wait is recorded with the time of the credential's next request, for tests to compare.
 */
export class RateLimitWatch {
  private readonly waits = new Map<string, AnnouncedWait>();
  private readonly counts: RateLimitStats = { requests: 0, rateLimited: 0, earlyRetries: 0 };
  private readonly records: WaitRecord[] = [];
  /** Per credential, the records still waiting for its next request. */
  private readonly awaitingNext = new Map<string, WaitRecord[]>();

  constructor(
    private readonly toleranceMs = EARLY_RETRY_TOLERANCE_MS,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Counts a request from `credential`, before it is let through or refused. */
  request(credential: string): void {
    this.counts.requests++;
    const now = this.nowMs();
    this.noteNextRequest(credential, now);
    const wait = this.waits.get(credential);
    if (wait === undefined) return;
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
    const record: WaitRecord = { credential, announcedAtMs: now, waitMs, nextRequestAtMs: null };
    this.records.push(record);
    this.awaitingNext.set(credential, [...(this.awaitingNext.get(credential) ?? []), record]);
    const current = this.waits.get(credential);
    // A refusal inside a wait still running extends it; the spell began with the first one.
    const sinceMs = current !== undefined && now < current.untilMs ? current.sinceMs : now;
    this.waits.set(credential, { sinceMs, untilMs: Math.max(current?.untilMs ?? 0, now + waitMs) });
  }

  /** A copy of the counts so far. */
  stats(): RateLimitStats {
    return { ...this.counts };
  }

  /** A copy of every announced wait so far, oldest first, each with when the next request came. */
  announcedWaits(): WaitRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  private noteNextRequest(credential: string, now: number): void {
    const awaiting = this.awaitingNext.get(credential);
    if (awaiting === undefined) return;
    const still = awaiting.filter((r) => now <= r.announcedAtMs + this.toleranceMs);
    for (const r of awaiting) if (!still.includes(r)) r.nextRequestAtMs = now;
    if (still.length > 0) this.awaitingNext.set(credential, still);
    else this.awaitingNext.delete(credential);
  }
}

/**
 * The announced waits a client did not honour: its next request came before the wait was over,
 * allowing `toleranceMs` for coarse timers.
 */
export function unhonouredWaits(records: readonly WaitRecord[], toleranceMs = EARLY_RETRY_TOLERANCE_MS): WaitRecord[] {
  return records.filter((r) => r.nextRequestAtMs !== null && r.nextRequestAtMs < r.announcedAtMs + r.waitMs - toleranceMs);
}
