/** Where a key stands in its current window, in the terms BigCommerce's X-Rate-Limit-* headers use. */
export interface WindowState {
  allowed: boolean;
  quota: number;
  left: number;
  windowMs: number;
  /** Milliseconds until the window ends and the quota refills. */
  resetMs: number;
}

interface Window {
  startedMs: number;
  used: number;
}

/**
 * A fixed-window quota per key: `quota` requests per `windowMs`, the window starting at the key's first request and
 * refilling in full when it ends (BigCommerce's 150 per 30 s, ThriveCart's 60 per minute).
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private quota: number,
    private windowMs: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Counts one request for `key`; `allowed` is false once the window's quota is spent (a rejected request is not counted). */
  take(key: string): WindowState {
    const w = this.current(key);
    const allowed = w.used < this.quota;
    if (allowed) w.used++;
    return this.state(w, allowed);
  }

  /** The key's standing without counting a request. */
  peek(key: string): WindowState {
    return this.state(this.current(key), true);
  }

  /** Changes the quota or window and starts every key afresh. */
  configure(quota: number, windowMs: number): void {
    this.quota = quota;
    this.windowMs = windowMs;
    this.windows.clear();
  }

  /** The quota and window in force. */
  settings(): { quota: number; windowMs: number } {
    return { quota: this.quota, windowMs: this.windowMs };
  }

  private current(key: string): Window {
    const now = this.nowMs();
    let w = this.windows.get(key);
    if (w === undefined || now - w.startedMs >= this.windowMs) {
      w = { startedMs: now, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  private state(w: Window, allowed: boolean): WindowState {
    const resetMs = Math.max(0, Math.ceil(w.startedMs + this.windowMs - this.nowMs()));
    return { allowed, quota: this.quota, left: Math.max(0, this.quota - w.used), windowMs: this.windowMs, resetMs };
  }
}
