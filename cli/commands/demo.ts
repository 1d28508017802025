import type { RegisterCommand } from '../command-context';

/** Registers `cdp demo`. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('demo')
    .description('run the main job locally: dev server, emulators, worker, historical sync of every connection, model build')
    .action(async () => (await import('../demo')).runDemo(ctx.configFile()));
};
