import type { TemporalTarget } from '../app/temporal';
import type { LoadedConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { buildApp, type RouteInfo } from './app';
import { signInThrottle } from './auth/sign-in-throttle';
import { stderrLog } from './auth/sign-in-log';
import { serveSettings, type ServeSettings } from './net/serve-settings';
import { openAppStore } from './store/open-app-store';
import { temporalAccess } from './temporal-access';
import { ensureWebBuild } from './web-build';

export interface RunningServer {
  url: string;
  routes: RouteInfo[];
  close(): Promise<void>;
}

export interface ServerOptions {
  host: string;
  port: number;
  temporal: TemporalTarget;
  /** Progress of the page's build. */
  log?: (line: string) => void;
  /** Trusted proxies and host names added to the config's `serve` section (the command's flags). */
  serve?: Partial<ServeSettings>;
  /** The server's log of sign-in events; standard error by default. */
  eventLog?: (line: string) => void;
  /** The clock sessions, grants, invitations and lockouts are measured by. */
  nowMs?: () => number;
}

/** Builds the page when needed, opens the app store and serves the app until closed. */
export async function startServer(config: LoadedConfig, opts: ServerOptions): Promise<RunningServer> {
  const webDir = await ensureWebBuild(opts.log);
  const store = await openAppStore(config);
  const temporal = temporalAccess(opts.temporal);
  const { app, routes } = await buildApp(
    {
      config,
      store,
      temporal,
      nowMs: opts.nowMs ?? (() => Date.now()),
      serve: serveSettings(config, opts.host, opts.serve),
      throttle: signInThrottle(),
      eventLog: opts.eventLog ?? stderrLog,
    },
    webDir,
  );
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`port ${opts.port} on ${opts.host} is in use: stop what holds it (\`cdp down\` stops a background web app) or pick another with --port`);
    }
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
      await store.close();
    },
  };
}
