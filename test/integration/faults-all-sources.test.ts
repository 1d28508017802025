import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../app/query';
import { runBuild } from '../../app/builds';
import { startSync, syncTuning, waitForSync } from '../../app/syncs';
import { unhonouredWaits, type RateLimitStats, type WaitRecord } from '../../emulators/http';
import { findConnection } from '../../lib/config';
import { BUILD_WORKFLOW_ID, SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker } from '../../worker/run-worker';
import { activityAttempts } from '../support/activity-attempts';
import { freePort, killHard, spawnWorker, waitFor } from '../support/processes';
import { DEFAULT_ANCHOR } from '../../emulators/world';
import { expectedRows, startSourceEmulators, type SourceEmulators } from '../support/source-emulators';
import { stopBackground } from '../../cli/background';
import { ensureDevServer } from '../../cli/dev-server';
import { connectClient } from '../../app/temporal';
import { ensureTemporalCli } from '../../lib/temporal-cli';
import { committedRowCount } from '../support/lake-reads';
import { makeWorkspace } from '../support/workspace';
import { queryRawRows } from '../support/raw-lake';
import { sqlString } from '../../lib/sql';

// The crash test of faults.test.ts, across every source at once: every paging scheme (cursor,
// offset, id ranges, page numbers with child streams, Graph cursors, NextTokens, reports built
// while the workflow waits on a timer), one worker killed with SIGKILL.

type Workspace = ReturnType<typeof makeWorkspace>;

let env: { address: string; client: Client; teardown(): Promise<void> };
let devServer: Parameters<typeof ensureDevServer>[0];
let emulators: SourceEmulators;
let ws: Workspace;
let worker: ChildProcess | undefined;

/** A workspace on the emulators; Amazon's reports, built in 50 ms here, are asked about after a tenth of a second. */
function workspace(connections: Record<string, unknown>[], sync: Record<string, unknown> = {}): Workspace {
  return makeWorkspace(connections, { sync: { report_poll_seconds: 0.1, report_max_poll_seconds: 0.5, ...sync } });
}

/** Starts a historical sync of one connection of a workspace on a task queue, with the workspace's sync settings. */
async function startHistorical(w: Workspace, id: string, taskQueue = SYNC_TASK_QUEUE) {
  return startSync(env.client, findConnection(w.config(), id), { mode: 'historical', taskQueue, tuning: syncTuning(w.config()) });
}

beforeAll(async () => {
  // Fixed data: a manual sync after the changes below must find nothing else new in its lookback window.
  emulators = await startSourceEmulators(9, 0.1, DEFAULT_ANCHOR);
  // A dev server of our own on a database file, so a test can stop it and start it again.
  const [port, uiPort] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-devserver-'));
  devServer = { cliPath: ensureTemporalCli(), dbFile: path.join(dir, 'temporal.db'), runDir: dir, host: '127.0.0.1', port, uiPort, namespace: 'default' };
  await ensureDevServer(devServer);
  const address = `127.0.0.1:${port}`;
  const client = await connectClient({ address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE });
  env = {
    address,
    client,
    async teardown() {
      await client.connection.close();
      await stopBackground(dir, 'temporal');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  ws = workspace(emulators.connections, { rows_per_file: 50, heartbeat_timeout_seconds: 3, historical_slices: 2, historical_slice_days: 200 });
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await env?.teardown();
  await emulators?.close();
  ws?.cleanup();
});

async function rawCounts(connection: string, stream: string, source: string): Promise<{ rows: number; distinct: number }> {
  const sql = `select count(*)::int as rows, count(distinct primary_key)::int as distinct from rows where connection = ${sqlString(connection)}`;
  return (await queryRawRows(ws.config(), source, stream, sql))[0] as { rows: number; distinct: number };
}

describe('every source under a crashing worker', () => {
  it('historical syncs of every source, their worker killed three times, land each record exactly once', async () => {
    const expected = await expectedRows(emulators);
    emulators.setLatency(60);
    const handles = await Promise.all(emulators.connections.map((c) => startHistorical(ws, String(c.id))));
    const start = () =>
      (worker = spawnWorker({ configFile: ws.configFile, address: env.address, env: emulators.env, logFile: path.join(ws.dir, 'worker.log') }));
    for (let kill = 1; kill <= 3; kill++) {
      const before = await committedRowCount(ws.config());
      const w = start();
      await waitFor(async () => (await committedRowCount(ws.config())) >= before + 150, 90_000, `progress before kill ${kill}`);
      await killHard(w);
    }
    start();
    const results = await Promise.all(handles.map((h) => waitForSync(h, () => {})));
    emulators.setLatency(0);

    for (const result of results) {
      const connection = findConnection(ws.config(), result.connectionId);
      const landed = Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]));
      expect(landed, result.connectionId).toEqual(expected[result.connectionId]);
      for (const [stream, count] of Object.entries(expected[result.connectionId]!)) {
        expect(await rawCounts(result.connectionId, stream, connection.source), `${result.connectionId}.${stream}`).toEqual({ rows: count, distinct: count });
      }
    }
    // Three restarts of a worker whose every batch is a lake commit: minutes on a loaded machine.
  }, 420_000);
});

describe('every source with a revoked credential', () => {
  it('fails at once with what to do, whatever way the source says no', async () => {
    // A Login with Amazon connection keeps its app's id and secret; the seller's refresh token is the one revoked.
    const bad = makeWorkspace(
      emulators.connections.map((c) => ('lwa' in c && c.lwa ? { ...c, lwa: { ...c.lwa, refresh_token_env: 'CDP_T_REVOKED' } } : { ...c, credential_env: 'CDP_T_REVOKED' })),
    );
    Object.assign(process.env, emulators.env);
    process.env.CDP_T_REVOKED = 'revoked-credential-0000';
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue: `${SYNC_TASK_QUEUE}-revoked`, loadConfig: bad.config });
    try {
      for (const c of emulators.connections) {
        const id = String(c.id);
        const handle = await startSync(env.client, findConnection(bad.config(), id), { mode: 'historical', taskQueue: `${SYNC_TASK_QUEUE}-revoked` });
        const message = await waitForSync(handle, () => {}).then(
          () => 'succeeded',
          (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
        );
        expect(message, id).toMatch(new RegExp(`^credentials for ${id} were rejected \\(HTTP \\d+ .*\\): update CDP_T_REVOKED and run \`cdp sync ${id}\`$`));
        // At once: no activity was tried a second time.
        const attempts = await activityAttempts(handle);
        expect(attempts.length, id).toBeGreaterThan(0);
        expect(attempts.filter((a) => a.attempt !== 1), id).toEqual([]);
      }
    } finally {
      await inProcess.shutdown();
      bad.cleanup();
    }
  });
});

describe('every source through an outage', () => {
  it('syncs started during a total outage of every source finish exactly once it ends', async () => {
    const expected = await expectedRows(emulators);
    const calm = workspace(emulators.connections, { historical_slices: 1 });
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-outage`;
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: calm.config });
    try {
      emulators.setOutage(true);
      const handles = await Promise.all(emulators.connections.map((c) => startHistorical(calm, String(c.id), taskQueue)));
      await new Promise((resolve) => setTimeout(resolve, 4000));
      emulators.setOutage(false);
      const results = await Promise.all(handles.map((h) => waitForSync(h, () => {})));
      for (const result of results) {
        expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows])), result.connectionId).toEqual(expected[result.connectionId]);
      }
    } finally {
      emulators.setOutage(false);
      await inProcess.shutdown();
      calm.cleanup();
    }
  });
});

describe('every source while the dev server restarts', () => {
  it('syncs of every source complete when the dev server stops and starts again on its database', async () => {
    const expected = await expectedRows(emulators);
    const restart = workspace(emulators.connections, { rows_per_file: 50, historical_slices: 1 });
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-restart`;
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: restart.config });
    try {
      emulators.setLatency(40);
      const handles = await Promise.all(emulators.connections.map((c) => startHistorical(restart, String(c.id), taskQueue)));
      await waitFor(async () => (await committedRowCount(restart.config())) > 0, 30_000, 'the first landed batch');
      await stopBackground(devServer.runDir, 'temporal');
      await ensureDevServer(devServer);
      const results = await Promise.all(handles.map((h) => waitForSync(h, () => {})));
      for (const result of results) {
        expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows])), result.connectionId).toEqual(expected[result.connectionId]);
      }
    } finally {
      emulators.setLatency(0);
      await inProcess.shutdown();
      restart.cleanup();
    }
  });
});

/** The emulators that count early retries, by the source each stands for. */
function watchingEmulators() {
  const e = emulators;
  // Talon.One: both Applications, whose keys share each endpoint's budget.
  return { activecampaign: e.activecampaign, thrivecart: e.thrivecart, bigcommerce: e.bigcommerce, facebook_ads: e.facebook, talonone: e.talonone, amazon_seller: e.amazon };
}

/** Each rate-limited emulator's counts, by the source it stands for. */
function rateLimitStats(): Record<string, RateLimitStats> {
  return Object.fromEntries(Object.entries(watchingEmulators()).map(([id, em]) => [id, em.stats()]));
}

/** Every wait each emulator announced so far, Stripe's included, by the source it stands for. */
function announcedWaits(): Record<string, WaitRecord[]> {
  const watching = Object.entries(watchingEmulators()).map(([id, em]) => [id, em.announcedWaits()]);
  return { stripe: emulators.stripe.announcedWaits(), ...Object.fromEntries(watching) };
}

describe('every rate-limited source in a 429 storm', () => {
  it('syncs at each source\'s default rate against accounts limiting below it land every record, and every announced wait is honoured', async () => {
    const expected = await expectedRows(emulators);
    // The connections keep each source's default rate; the accounts now allow less, so every source
    // that does not announce its limit answers 429s. Talon.One's connections keep going faster than
    // the account allows: at its default a profile's balance and progress, read one by one, take minutes.
    const storm = workspace(
      emulators.connections.map(({ requests_per_second: rate, ...c }) => (c.source === 'talonone' ? { ...c, requests_per_second: rate } : c)),
      { historical_slices: 1 },
    );
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-storm`;
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: storm.config });
    const stripeBefore = emulators.stripe.stats().rateLimited;
    const before = rateLimitStats();
    const waitsBefore = announcedWaits();
    try {
      // Each below the source's default rate, low enough that even a busy machine's syncs go faster.
      emulators.stripe.setFaults({ rateLimitPerSecond: 3, retryAfterSeconds: 1 });
      emulators.activecampaign.setFaults({ rateLimitPerSecond: 3 });
      emulators.thrivecart.setFaults({ rateLimitPerMinute: 1, rateLimitWindowMs: 2000 });
      // A store quota above the default rate: the connector follows the quota its answers name.
      emulators.bigcommerce.setFaults({ rateLimitQuota: 40, rateLimitWindowMs: 1000 });
      // Meta's use-case budgets announce their waits in minutes; the ad-account throttle, in seconds.
      emulators.facebook.setFaults({ adAccountLimit: { calls: 1, windowSeconds: 2 } });
      emulators.talonone.setFaults({ rateLimitPerSecond: 20 });
      // Amazon names its rate on every answer, never its burst: this seller's plan allows a burst of one.
      emulators.amazon.setFaults({ burstCap: 1 });
      const results = await Promise.all(emulators.connections.map(async (c) => waitForSync(await startHistorical(storm, String(c.id), taskQueue), () => {})));
      for (const result of results) {
        expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows])), result.connectionId).toEqual(expected[result.connectionId]);
      }
      expect(emulators.stripe.stats().rateLimited).toBeGreaterThan(stripeBefore);
      // Every wait a refusal announced was over before the credential's next request came, by each emulator's clock.
      const waits = announcedWaits();
      const unhonoured = Object.fromEntries(Object.entries(waits).map(([id, all]) => [id, unhonouredWaits(all.slice(waitsBefore[id]!.length))]));
      expect(unhonoured).toEqual(Object.fromEntries(Object.keys(waits).map((id) => [id, []])));
      // Per source: whether it answered rate limits, and how many requests came before the wait it announced was over.
      const after = rateLimitStats();
      const manners = Object.fromEntries(
        Object.keys(after).map((id) => [id, { limited: after[id]!.rateLimited > before[id]!.rateLimited, earlyRetries: after[id]!.earlyRetries - before[id]!.earlyRetries }]),
      );
      // ActiveCampaign and BigCommerce name their limit and what is left of it on every answer, and the
      // connector keeps under it: the account may never have to refuse it. Every other source had to.
      const mayGoUnrefused = new Set(['activecampaign', 'bigcommerce']);
      expect(manners).toEqual(Object.fromEntries(Object.keys(after).map((id) => [id, { limited: mayGoUnrefused.has(id) ? manners[id]!.limited : true, earlyRetries: 0 }])));
    } finally {
      emulators.stripe.setFaults({ rateLimitPerSecond: 0, retryAfterSeconds: null });
      emulators.activecampaign.setFaults({ rateLimitPerSecond: 0 });
      emulators.thrivecart.setFaults({ rateLimitPerMinute: 600, rateLimitWindowMs: 60_000 });
      emulators.bigcommerce.setFaults({ rateLimitQuota: 0 });
      emulators.facebook.setFaults({ adAccountLimit: null });
      emulators.talonone.setFaults({ rateLimitPerSecond: 0 });
      emulators.amazon.setFaults({ burstCap: null });
      await inProcess.shutdown();
      storm.cleanup();
    }
    // ThriveCart's account allows one request every two seconds, Facebook's ad account one call in two.
  }, 300_000);
});

describe('every source sending one malformed record', () => {
  it('quarantines that record with its reason and lands the rest', async () => {
    const expected = await expectedRows(emulators);
    const json = async (url: string, headers: Record<string, string>) => (await fetch(url, { headers })).json() as Promise<Record<string, unknown>>;
    const e = emulators;
    const promoApplication = e.talonone.applications.find((a) => a.environment === 'live')!.id;
    const firstOrder = String(
      ((await json(`${e.amazon.url}/orders/v0/orders?MarketplaceIds=${e.amazon.marketplaceId}&LastUpdatedAfter=2000-01-01T00:00:00Z&MaxResultsPerPage=1`, { 'x-amz-access-token': e.amazon.accessToken }))
        .payload as { Orders: { AmazonOrderId: string }[] }).Orders[0]!.AmazonOrderId,
    );
    // One record per source, from a stream paged so that the broken record never ends a page. A broken
    // parent names no id to ask for its children by: those go unread with it.
    const picks: { connection: string; stream: string; url: string; path: string; id: string; unread?: Record<string, number> }[] = [
      { connection: 'crm', stream: 'contacts', url: e.activecampaign.url, path: '/api/3/contacts', id: String(((await json(`${e.activecampaign.url}/api/3/contacts?limit=1&orders[id]=ASC`, { 'api-token': e.env.CDP_T_AC! })).contacts as { id: string }[])[0]!.id) },
      { connection: 'cart', stream: 'transactions', url: e.thrivecart.url, path: '/transactions', id: String(((await json(`${e.thrivecart.apiBaseUrl}/transactions?perPage=1`, { authorization: `Bearer ${e.env.CDP_T_TC}` })).transactions as { event_id: string }[])[0]!.event_id) },
      { connection: 'store', stream: 'customers', url: e.bigcommerce.url, path: '/v3/customers', id: String(((await json(`${e.bigcommerce.apiBaseUrl}/v3/customers?limit=1`, { 'x-auth-token': e.env.CDP_T_BC! })).data as { id: number }[])[0]!.id) },
      { connection: 'ads', stream: 'campaigns', url: e.facebook.url, path: '/campaigns', id: String(((await json(`${e.facebook.url}/v19.0/${e.facebook.adAccountId}/campaigns?fields=id&access_token=${e.env.CDP_T_FB}`, {})).data as { id: string }[])[0]!.id) },
      { connection: 'promo', stream: 'customers', url: e.talonone.url, path: '/customers', id: String(((await json(`${e.talonone.url}/v1/applications/${promoApplication}/customers?pageSize=1`, { authorization: `ManagementKey-v1 ${e.env.CDP_T_T1}` })).data as { id: number }[])[0]!.id) },
      {
        connection: 'marketplace', stream: 'orders', url: e.amazon.url, path: '/orders/v0/orders', id: firstOrder,
        unread: { order_items: e.amazon.truth().orders.find((o) => o.order.AmazonOrderId === firstOrder)!.items.length },
      },
    ];
    const broken = workspace(emulators.connections, { historical_slices: 1 });
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-malformed`;
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: broken.config });
    const setMalformed = (url: string, ids: string[], onPath?: string) =>
      fetch(`${url}/_emulator/malformed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids, path: onPath }) });
    try {
      for (const p of picks) await setMalformed(p.url, [p.id], p.path);
      await Promise.all(picks.map(async (p) => {
        const result = await waitForSync(await startHistorical(broken, p.connection, taskQueue), () => {});
        const landed = Object.fromEntries(result.streams.map((s) => [s.stream, { rows: s.rows, quarantined: s.quarantined }]));
        const want = Object.fromEntries(
          Object.entries(expected[p.connection]!).map(([stream, n]) => [stream, stream === p.stream ? { rows: n - 1, quarantined: 1 } : { rows: n - (p.unread?.[stream] ?? 0), quarantined: 0 }]),
        );
        expect(landed, p.connection).toEqual(want);
        const source = findConnection(broken.config(), p.connection).source;
        const sql = `select quarantine_reason, payload::varchar as payload from rows where connection = ${sqlString(p.connection)}`;
        const rows = await queryRawRows(broken.config(), source, p.stream, sql, { quarantine: true });
        expect(rows, p.connection).toEqual([{ quarantine_reason: expect.stringMatching(new RegExp(`^${source}\\.${p.stream}: `)), payload: '"malformed record"' }]);
      }));
    } finally {
      for (const p of picks) await setMalformed(p.url, []);
      await inProcess.shutdown();
      broken.cleanup();
    }
  });
});

describe('Facebook Ads restating recent days', () => {
  it('the next manual sync re-reads the trailing days and its numbers replace the old ones', async () => {
    // The emulator's ad account stops at its fixed anchor, weeks before today: reach back past it.
    const ads = emulators.connections.filter((c) => c.id === 'ads').map((c) => ({ ...c, lookback_seconds: 60 * 86_400 }));
    const restating = makeWorkspace(ads);
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-restate`;
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: restating.config });
    const sync = async (mode: 'historical' | 'manual') =>
      waitForSync(await startSync(env.client, findConnection(restating.config(), 'ads'), { mode, taskQueue }), () => {});
    try {
      await sync('historical');
      const before = emulators.facebook.truth();
      emulators.facebook.setFaults({ restatementVersion: 1 });
      const after = emulators.facebook.truth();
      const restated = new Set(after.restated_dates);
      const changed = after.daily.filter((d) => restated.has(d.date) && before.daily.find((b) => b.date === d.date && b.campaign_id === d.campaign_id)?.spend_minor !== d.spend_minor);
      expect(changed.length).toBeGreaterThan(0);

      await sync('manual');
      const latest = (await queryRawRows(
        restating.config(),
        'facebook_ads',
        'insights',
        `select payload->>'campaign_id' as campaign_id, payload->>'date_start' as date, payload->>'spend' as spend
         from rows where connection = 'ads'
         qualify row_number() over (partition by primary_key order by synced_at desc, sync_id desc, batch_seq desc, record_index desc) = 1`,
      )) as { campaign_id: string; date: string; spend: string }[];
      expect(latest).toHaveLength(after.totals.row_count);
      for (const d of after.daily.filter((x) => restated.has(x.date))) {
        expect(latest.find((l) => l.campaign_id === d.campaign_id && l.date === d.date)?.spend, `${d.campaign_id} ${d.date}`).toBe(d.spend);
      }
    } finally {
      emulators.facebook.setFaults({ restatementVersion: 0 });
      await inProcess.shutdown();
      restating.cleanup();
    }
  });
});

describe('records changed at the source after a historical sync', () => {
  it('the next manual sync of ActiveCampaign, ThriveCart and BigCommerce lands just the changed records and staging shows their new version', async () => {
    const ids = ['crm', 'cart', 'store'];
    const changing = makeWorkspace(emulators.connections.filter((c) => ids.includes(String(c.id))), { sync: { historical_slices: 1 } });
    Object.assign(process.env, emulators.env);
    const taskQueue = `${SYNC_TASK_QUEUE}-changes`;
    // A build asked for by an earlier test's syncs may still be open on a queue whose worker has stopped; ours must run here.
    const build = env.client.workflow.getHandle(BUILD_WORKFLOW_ID);
    if ((await build.describe().catch(() => undefined))?.status.name === 'RUNNING') await build.terminate('left open by an earlier test');
    const inProcess = await startWorker({ address: env.address, namespace: 'default', taskQueue, loadConfig: changing.config });
    const sync = async (id: string, mode: 'historical' | 'manual') =>
      waitForSync(await startSync(env.client, findConnection(changing.config(), id), { mode, taskQueue }), () => {});
    const e = emulators;
    const api = async <T>(url: string, headers: Record<string, string>): Promise<T> => (await fetch(url, { headers })).json() as Promise<T>;
    const ac = <T>(path: string) => api<T>(`${e.activecampaign.url}/api/3${path}`, { 'api-token': e.env.CDP_T_AC! });
    const bc = <T>(path: string) => api<T>(`${e.bigcommerce.apiBaseUrl}${path}`, { 'x-auth-token': e.env.CDP_T_BC! });
    const mutate = async (url: string, body: object) => {
      const response = await fetch(`${url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    try {
      await Promise.all(ids.map((id) => sync(id, 'historical')));

      // ActiveCampaign: one contact's email and name change; another contact gets a tag.
      const [edited] = (await ac<{ contacts: { id: string }[] }>('/contacts?limit=1&orders[id]=ASC')).contacts;
      const [tagged] = (await ac<{ contacts: { id: string }[] }>('/contacts?limit=1&orders[id]=DESC')).contacts;
      const held = new Set((await ac<{ contactTags: { tag: string }[] }>(`/contacts/${tagged!.id}/contactTags`)).contactTags.map((ct) => ct.tag));
      const tag = (await ac<{ tags: { id: string }[] }>('/tags?limit=100')).tags.find((t) => !held.has(t.id))!;
      await mutate(e.activecampaign.url, { action: 'update_contact', id: edited!.id, email: '  Changed.Contact@Example.COM ', firstName: 'Changed' });
      const contactTag = (await mutate(e.activecampaign.url, { action: 'add_contact_tag', contact: tagged!.id, tag: tag.id })).contactTag as { id: string };

      // ThriveCart: a charge of the newest page that has no refund yet is refunded in full.
      const page = (await api<{ transactions: { event_id: string; transaction_type: string; invoice_id: string; reference: string; amount: number }[] }>(
        `${e.thrivecart.apiBaseUrl}/transactions?perPage=100`,
        { authorization: `Bearer ${e.env.CDP_T_TC}` },
      )).transactions;
      const refunded = new Set(page.filter((t) => t.transaction_type === 'refund').map((t) => `${t.invoice_id}/${t.reference}`));
      const charge = page.find((t) => t.transaction_type === 'charge' && t.amount > 0 && !refunded.has(`${t.invoice_id}/${t.reference}`))!;
      const refund = await mutate(e.thrivecart.url, { action: 'refund_transaction', event_id: charge.event_id });

      // BigCommerce: a completed order is refunded in full; a customer changes their email.
      const [order] = await bc<{ id: number; total_inc_tax: string }[]>('/v2/orders?status_id=10&limit=1');
      const { data: [customer] } = await bc<{ data: { id: number }[] }>('/v3/customers?limit=1');
      await mutate(e.bigcommerce.url, { action: 'refund_order', id: order!.id });
      await mutate(e.bigcommerce.url, { action: 'update_customer', id: customer!.id, email: 'Changed.Shopper@Example.com' });
      const lines = (await bc<unknown[]>(`/v2/orders/${order!.id}/products`)).length;
      const coupons = await fetch(`${e.bigcommerce.apiBaseUrl}/v2/orders/${order!.id}/coupons`, { headers: { 'x-auth-token': e.env.CDP_T_BC! } });
      const couponRows = coupons.status === 204 ? 0 : ((await coupons.json()) as unknown[]).length;

      // A window ends (exclusively) at the second its sync starts; changes in that same second belong to the next sync.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const results = await Promise.all(ids.map((id) => sync(id, 'manual')));
      const landed = Object.fromEntries(results.map((r) => [r.connectionId, Object.fromEntries(r.streams.map((s) => [s.stream, s.rows]))]));
      // Dated streams land only what changed; ActiveCampaign's undated lists are read whole on every sync.
      const expected = await expectedRows(emulators);
      expect(landed).toEqual({
        crm: { ...expected.crm, contacts: 2 },
        cart: { transactions: 1 },
        store: { orders: 1, incomplete_orders: 0, order_products: lines, order_coupons: couponRows, customers: 1, products: 0 },
      });

      await runBuild(env.client, taskQueue);
      const sql = async (query: string) => (await queryWarehouse(changing.config().layout.warehouse, query)).rows;
      expect(await sql(`select email, first_name from staging.stg_activecampaign__contacts where contact_id = ${Number(edited!.id)}`)).toEqual([
        { email: 'changed.contact@example.com', first_name: 'Changed' },
      ]);
      expect(await sql(`select contact_id::int as contact_id, tag_id::int as tag_id from staging.stg_activecampaign__contact_tags where contact_tag_id = ${Number(contactTag.id)}`)).toEqual([
        { contact_id: Number(tagged!.id), tag_id: Number(tag.id) },
      ]);
      expect(await sql(`select transaction_type, amount_minor::int as amount from staging.stg_thrivecart__transactions where transaction_id = ${Number(refund.event_id)}`)).toEqual([
        { transaction_type: 'refund', amount: charge.amount },
      ]);
      expect(await sql(`select status_id, source_status, refunded_minor = total_inc_tax_minor as in_full from staging.stg_bigcommerce__orders where order_id = ${order!.id}`)).toEqual([
        { status_id: 4, source_status: 'Refunded', in_full: true },
      ]);
      expect(await sql(`select email from staging.stg_bigcommerce__customers where customer_id = ${customer!.id}`)).toEqual([{ email: 'changed.shopper@example.com' }]);
    } finally {
      await inProcess.shutdown();
      changing.cleanup();
    }
  });
});
