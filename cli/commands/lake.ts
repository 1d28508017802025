import type { RegisterCommand } from '../command-context';
import { info } from '../output';

/** Registers `cdp lake` and its subcommands. */
export const register: RegisterCommand = (program, ctx) => {
  const lake = program.command('lake').description('the lake: raw landing tables, cursor state and models');
  lake
    .command('import-files')
    .description('import the Parquet files landed under data/raw and data/quarantine into the lake (batches already there are skipped; the files are kept)')
    .action(async () => {
      const config = ctx.loadConfig();
      const { importLakeFiles } = await import('../../lib/lake/import-files');
      const { closeLakes } = await import('../../lib/lake/open-lake');
      try {
        const streams = await importLakeFiles(config, { log: info });
        const batches = streams.reduce((n, s) => n + s.batches, 0);
        const rows = streams.reduce((n, s) => n + s.rows, 0);
        console.log(`imported ${batches} batches (${rows} rows) of ${streams.length} streams into the lake; the files under ${config.layout.raw} and ${config.layout.quarantine} can go once you have checked it`);
      } finally {
        await closeLakes();
      }
    });
  lake
    .command('migrate')
    .description('copy the embedded lake of a data folder (lake.sqlite and lake/) into the lake storage: names, in one transaction; the new lake must be empty, and the workers stopped')
    .requiredOption('--from <data_dir>', 'the data folder whose embedded lake to copy')
    .action(async (opts: { from: string }) => {
      const config = ctx.loadConfig();
      const { migrateLake } = await import('../../lib/lake/migrate-lake');
      const { closeLakes, lakeLocation } = await import('../../lib/lake/open-lake');
      try {
        const moved = await migrateLake(config, opts.from, { log: info });
        const rows = moved.tables.reduce((n, t) => n + t.rows, 0);
        const to = lakeLocation(config.storage, config.layout);
        console.log(`copied ${moved.tables.length} tables (${rows} rows) and ${moved.views} views into the lake (catalog ${to.catalog}, data ${to.dataPath}); ${opts.from} is left as it was`);
      } finally {
        await closeLakes();
      }
    });
};
