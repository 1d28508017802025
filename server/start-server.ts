import type { TemporalTarget } from '../app/temporal';
import type { LoadedConfig } from '../lib/config';
import { buildApp, type RouteInfo } from './app';
import { AppStore, appStorePath } from './store/app-store';
import { temporalAccess } from './temporal-access';
import { ensureWebBuild } from './web-build';

export interface RunningServer {
  url: string;
  routes: RouteInfo[];
  close(): Promise<void>;
}

/** Builds the page when needed, opens the app store and serves the app until closed. */
export async function startServer(config: LoadedConfig, opts: { host: string; port: number; temporal: TemporalTarget; log?: (line: string) => void }): Promise<RunningServer> {
  const webDir = await ensureWebBuild(opts.log);
  const store = AppStore.open(appStorePath(config.layout));
  const temporal = temporalAccess(opts.temporal);
  const { app, routes } = await buildApp({ config, store, temporal, nowMs: () => Date.now() }, webDir);
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    routes,
    async close() {
      await app.close();
      await temporal.close();
      store.close();
    },
  };
}
