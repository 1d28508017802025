/** A Business Use Case bucket: the calls allowed per rolling window. */
export interface UsageLimit {
  calls: number;
  windowSeconds: number;
}

/** What one bucket looks like after a call, as X-Business-Use-Case-Usage reports it. */
export interface UsageReport {
  /** Percentages of the budget used (0-100). */
  call_count: number;
  total_cputime: number;
  total_time: number;
  /**
   * Whole minutes until calls are accepted again, 0 when not throttled. Meta reports minutes, so a
   * throttle shorter than a minute still says 1: a client that waits as told never comes back early.
   */
  estimated_time_to_regain_access: number;
  /** The bucket is over its budget: a call now is refused. */
  throttled: boolean;
  /** Milliseconds until the oldest counted call leaves the window (0 when none is counted): when throttled, the exact wait. */
  resetMs: number;
}

/**
 * Rolling-window call counters per bucket (ad account and use case), the way the Marketing API budgets
 * calls over an hour; a call over budget is refused and not counted.
 */
export class UsageMeter {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Records a call for `bucket` when it fits the limit; a null limit never throttles. */
  take(bucket: string, limit: UsageLimit | null): UsageReport {
    return this.measure(bucket, limit, true);
  }

  /** The bucket's usage without recording a call. */
  peek(bucket: string, limit: UsageLimit | null): UsageReport {
    return this.measure(bucket, limit, false);
  }

  private measure(bucket: string, limit: UsageLimit | null, record: boolean): UsageReport {
    const now = this.nowMs();
    const list = this.calls.get(bucket) ?? [];
    const windowMs = (limit?.windowSeconds ?? 3600) * 1000;
    while (list.length > 0 && list[0]! <= now - windowMs) list.shift();
    this.calls.set(bucket, list);
    if (limit === null || limit.calls <= 0) {
      if (record) list.push(now);
      return report(0, 0);
    }
    if (list.length >= limit.calls) {
      const waitMs = list[0]! + windowMs - now;
      return { ...report(100, waitMs), estimated_time_to_regain_access: Math.max(1, Math.ceil(waitMs / 60_000)), throttled: true };
    }
    if (record) list.push(now);
    return report(Math.min(100, Math.floor((100 * list.length) / limit.calls)), list.length > 0 ? list[0]! + windowMs - now : 0);
  }

  /** Forgets every call. */
  reset(): void {
    this.calls.clear();
  }
}

function report(pct: number, resetMs: number): UsageReport {
  return {
    call_count: pct,
    total_cputime: Math.floor(pct * 0.4),
    total_time: Math.floor(pct * 0.5),
    estimated_time_to_regain_access: 0,
    throttled: false,
    resetMs: Math.max(0, Math.ceil(resetMs)),
  };
}
