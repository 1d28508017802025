import { z } from 'zod';
import { FaultInjector, type ErrorFaultSettings } from './fault-injector.js';

/**
 * Server-side trouble an emulator can be told to show: injected 5xx (bursts or a deterministic
 * fraction), added latency, and an outage during which every API request gets 503.
 * Generic; shared with the Facebook Ads emulator.
 */
export interface GateFaults extends ErrorFaultSettings {
  /** While true every API request answers 503. */
  outage: boolean;
  /** Every API request between these ISO-8601 instants (from inclusive, until exclusive) answers 503. */
  outageWindow: { from: string; until: string } | null;
}

export class FaultGate {
  private readonly injector: FaultInjector;
  private outage: boolean;
  private outageWindow: { fromMs: number; untilMs: number; text: { from: string; until: string } } | null = null;

  constructor(
    seed: number,
    initial: Partial<GateFaults> = {},
    private readonly now: () => number = Date.now,
  ) {
    const { outage, outageWindow, ...errors } = initial;
    this.injector = new FaultInjector(seed, errors);
    this.outage = outage ?? false;
    this.setWindow(outageWindow ?? null);
  }

  /** Replaces the given settings, keeping the others. */
  update(patch: Partial<GateFaults>): GateFaults {
    const { outage, outageWindow, ...errors } = patch;
    if (outage !== undefined) this.outage = outage;
    if (outageWindow !== undefined) this.setWindow(outageWindow);
    this.injector.update(errors);
    return this.current();
  }

  /** The settings in force. */
  current(): GateFaults {
    return { ...this.injector.current(), outage: this.outage, outageWindow: this.outageWindow ? { ...this.outageWindow.text } : null };
  }

  /** Waits the configured latency. */
  async delay(): Promise<void> {
    const { latencyMs } = this.injector.current();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  }

  /** Counts one request that got past the outage, auth and rate checks; the status to fail it with, or null to serve it. */
  nextFault(): 500 | 502 | 503 | null {
    return this.injector.nextFault();
  }

  /** True while an outage is switched on or the clock is inside the outage window. */
  inOutage(): boolean {
    if (this.outage) return true;
    if (!this.outageWindow) return false;
    const t = this.now();
    return t >= this.outageWindow.fromMs && t < this.outageWindow.untilMs;
  }

  private setWindow(window: { from: string; until: string } | null): void {
    if (window === null) {
      this.outageWindow = null;
      return;
    }
    const fromMs = Date.parse(window.from);
    const untilMs = Date.parse(window.until);
    if (!Number.isFinite(fromMs) || !Number.isFinite(untilMs)) throw new Error('outageWindow needs two ISO-8601 instants');
    this.outageWindow = { fromMs, untilMs, text: { from: window.from, until: window.until } };
  }
}

/** Validation for the gate's part of a `POST /_emulator/faults` body. */
export const gateFaultsShape = {
  failRate: z.number().min(0).max(1).optional(),
  failNextRequests: z.number().int().min(0).optional(),
  failStatus: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  outage: z.boolean().optional(),
  outageWindow: z
    .object({ from: z.string().refine((t) => Number.isFinite(Date.parse(t)), 'not an instant'), until: z.string().refine((t) => Number.isFinite(Date.parse(t)), 'not an instant') })
    .nullable()
    .optional(),
};
