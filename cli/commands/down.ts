import type { RegisterCommand } from '../command-context';

/** Registers `cdp down`. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('down')
    .description('stop the background web app, worker, emulators and dev server that `cdp demo` or `cdp dev` started')
    .action(async () => {
      const { stopBackground } = await import('../background');
      const config = ctx.loadConfig();
      for (const name of ['serve', 'worker', 'emulators', 'temporal']) {
        console.log(`${name}: ${(await stopBackground(config.layout.run, name)) ? 'stopped' : 'not running'}`);
      }
    });
};
