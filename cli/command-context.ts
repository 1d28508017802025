import { Option, type Command } from 'commander';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../lib/config';

// What every command file gets from the program: where the config is, and the Temporal flags.
// Command files load their modules inside their actions, so `cdp --help` loads none of Temporal,
// DuckDB or the emulators.

export interface CommandContext {
  /** The config file: --config, else $CDP_CONFIG, else ./cdp.config.yaml. */
  configFile(): string;
  /** The config, loaded and validated. */
  loadConfig(): LoadedConfig;
}

/** A command's registration: adds it (and its subcommands) to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** The context of a program whose `--config` option names the config file. */
export function commandContext(program: Command): CommandContext {
  const configFile = () => resolveConfigPath(program.opts().config);
  return { configFile, loadConfig: () => loadConfig(configFile()) };
}

/** Adds the flags that say which Temporal to talk to. */
export function temporalOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--address <host:port>', 'Temporal frontend address').env('TEMPORAL_ADDRESS'))
    .addOption(new Option('--namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
    .addOption(new Option('--task-queue <name>', 'sync task queue; builds use its -build twin').env('CDP_TASK_QUEUE'));
}
