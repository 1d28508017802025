import type { RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

/** Registers `cdp emulators`. */
export const register: RegisterCommand = (program) => {
  program
    .command('emulators')
    .description('serve the local source API emulators (Stripe, ActiveCampaign, ThriveCart, BigCommerce, Facebook Ads, Talon.One, Amazon Selling Partner API) from one seeded world until stopped')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--base-port <port>', 'first port; the emulators take consecutive ports (0 picks free ones)')
    .option('--seed <n>', 'seed of the generated world')
    .option('--scale <x>', 'size of the world (1 = about 3,000 people)')
    .option('--fail-rate <0..1>', 'fraction of requests answered with a server error')
    .option('--now <instant>', 'the instant the world ends at, such as 2026-11-01T00:00:00Z, for a reproducible run (default: now)')
    .action(async (raw) => {
      const { emulatorFlagsSchema, startEmulators } = await import('../../emulators/registry');
      const flags = parseFlags('emulators', emulatorFlagsSchema, raw);
      const { anchor, emulators } = await startEmulators(flags);
      console.log(`${'world'.padEnd(15)} seed ${flags.seed}, scale ${flags.scale}, ends at ${anchor} (--now ${anchor} serves it again)`);
      for (const e of emulators) console.log(`${e.source.padEnd(15)} ${e.baseUrl}  key ${e.key}  (${e.summary})`);
      const stop = async () => {
        await Promise.all(emulators.map((e) => e.close()));
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
};
