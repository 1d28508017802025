import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import type { TemporalTarget } from '../app/temporal';
import type { SignInThrottle } from './auth/sign-in-throttle';
import type { ServeSettings } from './net/serve-settings';
import type { AppStore, Session, User } from './store/app-store';

/** What every route works with: the config, the app store, Temporal, the clock, the proxy and host settings, the sign-in throttle and the event log. */
export interface ServerContext {
  config: LoadedConfig;
  store: AppStore;
  temporal: TemporalAccess;
  nowMs: () => number;
  serve: ServeSettings;
  throttle: SignInThrottle;
  /** Writes one line to the server's log (sign-in events as JSON). */
  eventLog: (line: string) => void;
}

/** A Temporal client made on first use, so the app serves segments and reports while Temporal is down. */
export interface TemporalAccess {
  target: TemporalTarget;
  client(): Promise<Client>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    session: (Session & { token: string }) | null;
  }
  interface FastifyContextConfig {
    /** Who may call a route: anyone (sign-in, invitations, the page itself), a signed-in user (the default), or an admin. */
    access?: 'public' | 'user' | 'admin';
  }
}
