// Failed sign-ins and invitation attempts, counted per account and per client address, in memory.
// After too many failures within the window a key is locked out for a while, and each further
// failure before the key has been quiet for a whole window doubles the lockout (OWASP's
// authentication cheat sheet: a threshold, an observation window, a lockout that lifts by itself).
// A lockout refuses before any password is checked, so a guesser costs no argon2 time either.

export interface ThrottleRule {
  /** Failures within `windowMs` that start a lockout. */
  maxFailures: number;
  windowMs: number;
  /** The first lockout; each further one doubles, up to `maxLockoutMs`. */
  lockoutMs: number;
  maxLockoutMs: number;
}

/** Per account: 5 failures in 15 minutes lock it for 1 minute, then 2, 4, ... up to 15 minutes. */
export const ACCOUNT_RULE: ThrottleRule = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 60_000, maxLockoutMs: 15 * 60_000 };

/** Per client address, across accounts: 20 failures in 15 minutes, then the same growing lockout. */
export const ADDRESS_RULE: ThrottleRule = { maxFailures: 20, windowMs: 15 * 60_000, lockoutMs: 60_000, maxLockoutMs: 15 * 60_000 };

// Keys kept at most; the oldest are dropped first, so a flood of made-up emails cannot fill memory.
const MAX_KEYS = 10_000;

interface KeyState {
  failuresMs: number[];
  lockouts: number;
  lockedUntilMs: number;
  lastFailureMs: number;
}

/** Failures and lockouts under one rule, keyed by whatever the caller counts (an email, an address). */
export class FailureThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(readonly rule: ThrottleRule) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string, nowMs: number): number {
    const state = this.keys.get(key);
    return state ? Math.max(0, state.lockedUntilMs - nowMs) : 0;
  }

  /** Counts a failure; a key past its threshold (or failing again after a lockout) is locked out. */
  recordFailure(key: string, nowMs: number): void {
    const { maxFailures, windowMs, lockoutMs, maxLockoutMs } = this.rule;
    let state = this.keys.get(key);
    if (!state || nowMs - state.lastFailureMs >= windowMs) state = { failuresMs: [], lockouts: 0, lockedUntilMs: 0, lastFailureMs: nowMs };
    this.keys.delete(key);
    state.failuresMs = [...state.failuresMs.filter((t) => t > nowMs - windowMs), nowMs];
    state.lastFailureMs = nowMs;
    if (state.failuresMs.length >= maxFailures || state.lockouts > 0) {
      state.lockedUntilMs = nowMs + Math.min(lockoutMs * 2 ** state.lockouts, maxLockoutMs);
      state.lockouts += 1;
      state.failuresMs = [];
    }
    this.keys.set(key, state);
    if (this.keys.size > MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
  }

  /** Forgets a key's failures: an account that signed in correctly starts afresh. */
  reset(key: string): void {
    this.keys.delete(key);
  }
}

/** The two throttles sign-in and invitation acceptance share. */
export interface SignInThrottle {
  account: FailureThrottle;
  address: FailureThrottle;
}

/** Fresh throttles for a server: counts start at nothing on every start. */
export const signInThrottle = (): SignInThrottle => ({ account: new FailureThrottle(ACCOUNT_RULE), address: new FailureThrottle(ADDRESS_RULE) });
