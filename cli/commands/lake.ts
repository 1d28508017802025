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
};
