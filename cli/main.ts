import { Command, CommanderError } from 'commander';
import { commandContext, type RegisterCommand } from './command-context';
import { register as build } from './commands/build';
import { register as demo } from './commands/demo';
import { register as dev } from './commands/dev';
import { register as down } from './commands/down';
import { register as emulators } from './commands/emulators';
import { register as lake } from './commands/lake';
import { register as query } from './commands/query';
import { register as report } from './commands/report';
import { register as schedule } from './commands/schedule';
import { register as segment } from './commands/segment';
import { register as serve } from './commands/serve';
import { register as setup } from './commands/setup';
import { register as status } from './commands/status';
import { register as sync } from './commands/sync';
import { register as user } from './commands/user';
import { register as worker } from './commands/worker';
import { exitCodeOf } from './exit-code';
import { formatError } from './output';

// Each command loads its modules when it runs, so `cdp --help` does not load Temporal, DuckDB or the emulators.

/** The commands, in the order help lists them. */
const COMMANDS: RegisterCommand[] = [demo, setup, dev, emulators, worker, sync, build, schedule, query, status, segment, report, serve, user, lake, down];

const program = new Command('cdp')
  .description('Customer-data pipeline: durable Temporal syncs land SaaS data as Parquet and build DuckDB models.')
  .option('-c, --config <file>', 'connections config file (default: $CDP_CONFIG or ./cdp.config.yaml)')
  .showHelpAfterError()
  // Commander's usage errors are thrown, not exited on, so they get cdp's exit code; subcommands inherit this.
  .exitOverride();

const ctx = commandContext(program);
for (const register of COMMANDS) register(program, ctx);

try {
  await program.parseAsync();
} catch (err) {
  // Commander has printed its own message (or the help) already.
  if (!(err instanceof CommanderError)) console.error(formatError(err));
  // Servers a failed command started (emulators, workers) must not keep the process alive.
  process.exit(exitCodeOf(err));
}
