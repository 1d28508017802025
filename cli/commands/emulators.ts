import { z } from 'zod';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';

export const DEFAULT_STRIPE_PORT = 12111;
/** The key the Stripe emulator accepts unless told otherwise (test mode, like a real sk_test_ key). */
export const EMULATOR_STRIPE_KEY = 'sk_test_cdp_emulator';

export const emulatorFlagsSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  stripePort: z.coerce.number().int().min(0).max(65535).default(DEFAULT_STRIPE_PORT),
  seed: z.coerce.number().int().default(42),
  scale: z.coerce.number().positive().max(100).default(1),
  failRate: z.coerce.number().min(0).max(1).default(0),
  rateLimit: z.coerce.number().positive().optional(),
  apiKey: z.string().min(8).default(EMULATOR_STRIPE_KEY),
});
export type EmulatorFlags = z.infer<typeof emulatorFlagsSchema>;

export interface RunningEmulators {
  stripe: StripeEmulator;
  close(): Promise<void>;
}

/** Starts every source emulator from one seeded world. */
export async function startEmulators(flags: EmulatorFlags): Promise<RunningEmulators> {
  const stripe = await startStripeEmulator({
    host: flags.host,
    port: flags.stripePort,
    seed: flags.seed,
    scale: flags.scale,
    apiKeys: [flags.apiKey],
    failRate: flags.failRate,
    rateLimitPerSecond: flags.rateLimit,
  });
  return {
    stripe,
    async close() {
      await stripe.close();
    },
  };
}
