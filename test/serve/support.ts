import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { materializeSegments } from '../../lib/segments/materialize';
import { startServer, type RunningServer } from '../../server/start-server';
import { temporalTarget } from '../../app/temporal';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { hashPassword } from '../../server/auth/passwords';
import { withAppStore } from '../../server/store/open-app-store';
import { makeWorkspace } from '../support/workspace';

// A workspace served by `cdp serve`'s own start function on a free port, users added to its app
// store as `cdp user add` adds them, and an HTTP client that keeps a session like a browser does.

export const PASSWORD = 'correct horse battery staple';

let passwordHash: Promise<string> | undefined;

/** Adds users as `cdp user add` does, all with PASSWORD (hashed once: argon2 is slow on purpose). */
export async function addUsers(config: LoadedConfig, users: { email: string; admin?: boolean }[]): Promise<void> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  await withAppStore(config, async (store) => {
    for (const u of users) await store.addUser({ email: u.email, passwordHash: hash, isAdmin: u.admin, nowMs: Date.now() });
  });
}

/** Grants a member access to an environment's customer data, as `cdp user grant --environment` does. */
export function grantEnvironment(config: LoadedConfig, email: string, environment: 'live' | 'sandbox', levels: { edit?: boolean; delete?: boolean } = {}): Promise<void> {
  return withAppStore(config, (store) =>
    store.access.put({ email, scope: { kind: 'environment', name: environment }, edit: Boolean(levels.edit), delete: Boolean(levels.delete), expiresAtMs: null, grantedBy: 0, createdAtMs: Date.now() }),
  );
}

export function writeSegmentFile(config: LoadedConfig, name: string, body: object): void {
  fs.mkdirSync(config.segmentsDir, { recursive: true });
  fs.writeFileSync(path.join(config.segmentsDir, `${name}.yaml`), stringify(body));
}

/** A warehouse built from an empty lake, its segments materialized (with no members): enough for routes that read it. */
export async function buildEmptyWarehouse(config: LoadedConfig): Promise<void> {
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  await materializeSegments(config);
}

export interface ServedWorkspace {
  ws: ReturnType<typeof makeWorkspace>;
  config: LoadedConfig;
  server: RunningServer;
  close(): Promise<void>;
}

export interface ServeOptions {
  connections?: Record<string, unknown>[];
  /** More of cdp.config.yaml (its `serve` section). */
  config?: Record<string, unknown>;
  temporalAddress?: string;
  prepare?: (config: LoadedConfig) => Promise<void>;
  /** The server's clock and log, for tests that move time on or read the log. */
  nowMs?: () => number;
  eventLog?: (line: string) => void;
}

export async function serveWorkspace(opts: ServeOptions = {}): Promise<ServedWorkspace> {
  const ws = makeWorkspace(opts.connections ?? [], opts.config);
  const config = ws.config();
  await opts.prepare?.(config);
  // Nothing listens on port 1: routes that need Temporal answer that it is not reachable.
  const temporal = temporalTarget({ address: opts.temporalAddress ?? '127.0.0.1:1' }, config);
  const server = await startServer(config, { host: '127.0.0.1', port: 0, temporal, nowMs: opts.nowMs, eventLog: opts.eventLog ?? (() => undefined) });
  return {
    ws,
    config,
    server,
    async close() {
      await server.close();
      ws.cleanup();
    },
  };
}

// Folders a 4xx body could give away: the test workspaces (under the temp folder), the project's
// checkout, the home folder.
const SERVER_FOLDERS = [os.tmpdir(), PROJECT_ROOT, os.homedir()].filter((d) => d.length > 1);

/** Fails when a 4xx answer names a folder of the server: a client is told what to fix, never where the server keeps things. */
export function expectNoServerPaths(answer: Pick<Answer, 'status' | 'text'>, what: string): void {
  if (answer.status < 400 || answer.status >= 500) return;
  for (const folder of SERVER_FOLDERS) expect(answer.text.includes(folder), `${what} answered ${answer.status} naming ${folder}: ${answer.text}`).toBe(false);
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: string; problems?: { path: string; message: string }[] };
  text: string;
}

/** A signed-in (or not) client: the session cookie and CSRF token as the page would keep them. */
export class ApiClient {
  cookie = '';
  csrf = '';
  constructor(readonly baseUrl: string) {}

  async signIn(email: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.call('POST', '/api/session', { email, password });
    if (answer.status === 200) {
      this.cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
      this.csrf = String(answer.body.csrfToken);
    }
    return answer;
  }

  async call(method: string, url: string, body?: unknown, opts: { csrf?: string | null; origin?: string; contentType?: string; rawBody?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (opts.origin) headers.origin = opts.origin;
    const payload = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const response = await fetch(`${this.baseUrl}${url}`, { method, headers, body: payload, redirect: 'manual' });
    const text = await response.text();
    let parsed: Answer['body'] = {};
    try {
      parsed = JSON.parse(text) as Answer['body'];
    } catch {
      // CSV and HTML answers.
    }
    const answer = { status: response.status, headers: response.headers, body: parsed, text };
    expectNoServerPaths(answer, `${method} ${url}`);
    return answer;
  }

  get = (url: string) => this.call('GET', url);
}
