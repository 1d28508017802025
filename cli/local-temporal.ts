import type { LoadedConfig } from '../lib/config';
import { ensureTemporalCli } from '../lib/temporal-cli';
import { ensureDevServer } from './dev-server';
import { info } from './output';

export const DEFAULT_DEV_PORT = 7233;
export const DEFAULT_UI_PORT = 8233;

/** Starts (or reuses) the persistent local Temporal dev server, its SQLite file under the data folder. */
export async function startLocalTemporal(config: LoadedConfig, opts: { port?: number; uiPort?: number; namespace?: string } = {}) {
  const cliPath = ensureTemporalCli(info);
  return ensureDevServer({
    cliPath,
    dbFile: config.layout.temporalDb,
    runDir: config.layout.run,
    host: '127.0.0.1',
    port: opts.port ?? DEFAULT_DEV_PORT,
    uiPort: opts.uiPort ?? DEFAULT_UI_PORT,
    namespace: opts.namespace ?? 'default',
  });
}
