import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import type { TemporalTarget } from '../app/temporal';
import type { AppStore, Session, User } from './store/app-store';

/** What every route works with: the config, the app store, Temporal and the clock. */
export interface ServerContext {
  config: LoadedConfig;
  store: AppStore;
  temporal: TemporalAccess;
  nowMs: () => number;
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
