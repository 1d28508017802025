import { hash32 } from '../world/prng.js';

export interface ErrorFaultSettings {
  /** Fraction (0..1) of requests that fail, chosen deterministically from the seed and the request number. */
  failRate: number;
  /** The next this-many requests fail, before failRate is considered. */
  failNextRequests: number;
  /** The status failing requests answer with. */
  failStatus: 500 | 502 | 503;
  /** Extra delay before every answer, to exercise client timeouts. */
  latencyMs: number;
}

export const DEFAULT_FAULTS: ErrorFaultSettings = { failRate: 0, failNextRequests: 0, failStatus: 500, latencyMs: 0 };

/** Decides, request by request, whether an emulator answers with a server error; the same seed fails the same request numbers. */
export class FaultInjector {
  private settings: ErrorFaultSettings;
  private requestNumber = 0;

  constructor(
    private readonly seed: number,
    initial: Partial<ErrorFaultSettings> = {},
  ) {
    this.settings = { ...DEFAULT_FAULTS, ...initial };
  }

  /** Replaces the given settings, keeping the others. */
  update(patch: Partial<ErrorFaultSettings>): ErrorFaultSettings {
    this.settings = { ...this.settings, ...patch };
    return this.current();
  }

  /** The settings in force. */
  current(): ErrorFaultSettings {
    return { ...this.settings };
  }

  /** Counts one request and returns the status to fail it with, or null to serve it. */
  nextFault(): 500 | 502 | 503 | null {
    const n = this.requestNumber++;
    if (this.settings.failNextRequests > 0) {
      this.settings.failNextRequests--;
      return this.settings.failStatus;
    }
    if (this.settings.failRate > 0 && hash32(this.seed, n) / 4294967296 < this.settings.failRate) return this.settings.failStatus;
    return null;
  }
}
