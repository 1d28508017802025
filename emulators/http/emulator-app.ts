import Fastify, { type FastifyInstance } from 'fastify';
import { installMalformedRecords } from './malformed-records.js';
import { parseFlatQuery } from './querystring.js';
import type { RateLimitStats } from './rate-limit-watch.js';

export interface EmulatorAppOptions {
  /** The fields `POST /_emulator/malformed` names records by. Default `id` and `event_id`. */
  recordIdFields?: readonly string[];
}

/** A Fastify app as the emulators start one: no logging, query strings read flat, `POST /_emulator/malformed` installed. */
export function createEmulatorApp(opts: EmulatorAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseFlatQuery } });
  installMalformedRecords(app, opts.recordIdFields);
  return app;
}

/** What the read-only control endpoints answer. */
export interface ControlReads {
  health(): unknown;
  truth(): unknown;
  stats(): RateLimitStats;
}

/** `GET /_emulator/health`, `/_emulator/truth` and `/_emulator/stats`: no key needed, as in every emulator. */
export function registerControlReads(app: FastifyInstance, reads: ControlReads): void {
  app.get('/_emulator/health', async () => reads.health());
  app.get('/_emulator/truth', async () => reads.truth());
  app.get('/_emulator/stats', async () => reads.stats());
}
