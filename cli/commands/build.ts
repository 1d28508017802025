import { temporalOptions, type RegisterCommand } from '../command-context';

/** Registers `cdp build`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('build')
      .description('rebuild the DuckDB models from the raw lake and swap the warehouse in atomically')
      .option('--local', 'build in this process instead of through Temporal'),
  ).action(async (raw) => {
    const config = ctx.loadConfig();
    const { buildLocally, runBuild } = await import('../../app/builds');
    let result;
    if (raw.local) result = await buildLocally(config);
    else {
      const { temporalTarget, withClient } = await import('../../app/temporal');
      const target = temporalTarget(raw, config);
      result = await withClient(target, (client) => runBuild(client, target.taskQueue));
    }
    for (const m of result.models) console.log(`${m.model.padEnd(32)} ${String(m.rows).padStart(9)}`);
    console.log(`built ${result.warehouse} in ${(result.durationMs / 1000).toFixed(1)} s`);
    if (result.segments) process.stdout.write((await import('../render/segments')).renderMaterialized(result.segments));
  });
};
