import { z } from 'zod';
import { FaultInjector, type ErrorFaultSettings } from './fault-injector.js';

/** Stripe-style error injection plus an outage window during which every API request fails. */
export interface ServiceFaultSettings extends ErrorFaultSettings {
  /** Writing it starts an outage lasting this many ms from now (0 ends one); reading it gives the ms left. */
  outageMs: number;
  /** What requests answer during the outage. */
  outageStatus: 500 | 502 | 503;
}

const status = z.union([z.literal(500), z.literal(502), z.literal(503)]);

/** The JSON body POST /_emulator/faults accepts (every field optional; unknown fields are rejected). */
export const serviceFaultPatchSchema = z.strictObject({
  failRate: z.number().min(0).max(1).optional(),
  failNextRequests: z.number().int().min(0).optional(),
  failStatus: status.optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  outageMs: z.number().min(0).max(3_600_000).optional(),
  outageStatus: status.optional(),
});

/** Decides per request whether an emulator stalls or fails; the same seed fails the same request numbers. */
export class ServiceFaults {
  private readonly injector: FaultInjector;
  private outageUntilMs = Number.NEGATIVE_INFINITY;
  private outageStatus: 500 | 502 | 503 = 503;

  constructor(
    seed: number,
    initial: Partial<ServiceFaultSettings> = {},
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.injector = new FaultInjector(seed);
    this.update(initial);
  }

  /** Applies the given settings, keeping the others. */
  update(patch: Partial<ServiceFaultSettings>): ServiceFaultSettings {
    const { outageMs, outageStatus, ...errors } = patch;
    this.injector.update(errors);
    if (outageStatus !== undefined) this.outageStatus = outageStatus;
    if (outageMs !== undefined) this.outageUntilMs = outageMs > 0 ? this.nowMs() + outageMs : Number.NEGATIVE_INFINITY;
    return this.current();
  }

  /** The settings in force. */
  current(): ServiceFaultSettings {
    return { ...this.injector.current(), outageMs: this.outageLeftMs(), outageStatus: this.outageStatus };
  }

  /** The status an outage answers with right now, or null when there is none; requests during an outage are not counted. */
  outage(): 500 | 502 | 503 | null {
    return this.outageLeftMs() > 0 ? this.outageStatus : null;
  }

  /** Waits out the configured latency, then counts the request and returns the status to fail it with, or null. */
  async nextFault(): Promise<500 | 502 | 503 | null> {
    const { latencyMs } = this.injector.current();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return this.injector.nextFault();
  }

  private outageLeftMs(): number {
    return Math.max(0, Math.ceil(this.outageUntilMs - this.nowMs()));
  }
}
