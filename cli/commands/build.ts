import { temporalOptions, type RegisterCommand } from '../command-context';

/** Registers `cdp build`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('build')
      .description('bring the DuckDB models up to date with the raw lake and swap the warehouse in atomically')
      .option('--full', 'copy every raw table and make every model, instead of only what changed since the last build')
      .option('--local', 'build in this process instead of through Temporal'),
  ).action(async (raw) => {
    const config = ctx.loadConfig();
    const { buildLocally, runBuild } = await import('../../app/builds');
    let result;
    if (raw.local) result = await buildLocally(config, { full: raw.full });
    else {
      const { temporalTarget, withClient } = await import('../../app/temporal');
      const target = temporalTarget(raw, config);
      result = await withClient(target, (client) => runBuild(client, target.taskQueue, { full: raw.full }));
    }
    for (const m of result.models) console.log(`${m.model.padEnd(32)} ${String(m.rows).padStart(9)}`);
    if (result.mode === 'unchanged') console.log(`${result.warehouse} is up to date: ${result.reason}`);
    else {
      const what = result.mode === 'full' ? `full build (${result.reason})` : `incremental build: ${result.rebuilt.length} model(s) made again, ${result.rawRows} raw row(s) appended`;
      console.log(`built ${result.warehouse} in ${(result.durationMs / 1000).toFixed(1)} s, ${what}`);
    }
    if (result.segments) process.stdout.write((await import('../render/segments')).renderMaterialized(result.segments));
  });
};
