import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../../lib/config';

// Running behind a TLS proxy, and which host names the app answers to. X-Forwarded-For, -Proto and
// -Host are believed only from the configured proxies, so a request's protocol (and with it the
// cookie's `Secure`) and client address (which the sign-in throttle counts) cannot be forged by
// anyone else. A request whose Host is not on the list is refused before anything else runs: a page
// on another site that rebinds its own DNS name to this server cannot reach sign-in.

export interface ServeSettings {
  /** Addresses or CIDR ranges of the proxies whose X-Forwarded-* headers count; none by default. */
  trustedProxies: string[];
  /** Host names (no port) the app answers to. */
  allowedHosts: string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** Strips a port and IPv6 brackets and lower-cases, so `[::1]:8780` and `::1` compare equal. */
export function bareHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colons = h.split(':').length - 1;
  return colons === 1 ? h.slice(0, h.indexOf(':')) : h;
}

/** The settings from the config's `serve` section, the flags' additions and the address the server listens on. */
export function serveSettings(config: LoadedConfig, listenHost: string, extra: Partial<ServeSettings> = {}): ServeSettings {
  const listen = bareHost(listenHost);
  const allowed = ['127.0.0.1', 'localhost', '::1', ...(WILDCARDS.has(listen) ? [] : [listen]), ...config.serve.allowed_hosts, ...(extra.allowedHosts ?? [])];
  return {
    trustedProxies: [...new Set([...config.serve.trusted_proxies, ...(extra.trustedProxies ?? [])])],
    allowedHosts: [...new Set(allowed.map(bareHost))],
  };
}

/** Registers the hook that refuses a request whose Host (or a trusted proxy's X-Forwarded-Host) is not allowed. */
export function registerHostGuard(app: FastifyInstance, settings: ServeSettings): void {
  const allowed = new Set(settings.allowedHosts);
  app.addHook('onRequest', async (request, reply) => {
    const host = request.host ? bareHost(request.host) : '';
    if (allowed.has(host)) return;
    // The admin's fix (serve.allowed_hosts) is in the README, not told to whoever asks.
    return reply.code(421).type('text/plain; charset=utf-8').send('this server does not answer to that host name\n');
  });
}
