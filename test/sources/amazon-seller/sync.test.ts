import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonSellerSource } from '../../../activities/sources/amazon-seller/spec';
import { committedState } from '../../support/lake-reads';
import { runBuild } from '../../../app/builds';
import { startSync, syncTuning, waitForSync } from '../../../app/syncs';
import type { SyncWorkflowResult } from '../../../workflows';
import { startAmazonSellerEmulator, type AmazonSellerEmulator } from '../../../emulators/amazon-seller';
import { findConnection } from '../../../lib/config';
import { openWarehouseReadOnly } from '../../../lib/warehouse/open-read-only';
import { killHard, spawnWorker, waitFor } from '../../support/processes';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';
import { queryRawRows } from '../../support/raw-lake';
import { sqlString } from '../../../lib/sql';

// The Amazon seller connector, written from the Selling Partner API's documentation, against the
// emulator written apart from it: a historical sync lands what the account holds, reports included,
// across access tokens that keep expiring, a window without data lands nothing and succeeds, and a
// worker killed with SIGKILL while a report is being built resumes that same report.

let seller: AmazonSellerEmulator;
// Builds each report slowly enough that a worker can be killed while it waits.
let slowSeller: AmazonSellerEmulator;
// Its clock moves on 5 minutes each time it looks: an access token lasts about a dozen requests.
let expiringSeller: AmazonSellerEmulator;
let ws: ReturnType<typeof makeWorkspace>;
let env: TestWorkflowEnvironment;
let worker: ChildProcess | undefined;

const startWorker = () => {
  // Every emulator serves the same application and seller authorization: one set of secrets.
  const lwa = seller.lwa;
  worker = spawnWorker({
    configFile: ws.configFile,
    address: env.address,
    env: { CDP_AMAZON_LWA_CLIENT_ID: lwa.clientId, CDP_AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret, CDP_AMAZON_LWA_REFRESH_TOKEN: lwa.refreshToken },
    logFile: path.join(ws.dir, 'worker.log'),
  });
  return worker;
};

beforeAll(async () => {
  // The real usage plans sped up 600 times: getOrders 10 a second instead of one a minute.
  let clockMs = Date.parse('2031-03-01T00:00:00Z');
  [env, seller, slowSeller, expiringSeller] = await Promise.all([
    startDevServer(),
    startAmazonSellerEmulator({ seed: 8, scale: 0.05, rateScale: 600, reportProcessingMs: 300 }),
    startAmazonSellerEmulator({ seed: 8, scale: 0.05, rateScale: 600, reportProcessingMs: 6_000 }),
    startAmazonSellerEmulator({ seed: 8, scale: 0.05, rateScale: 600, reportProcessingMs: 300, now: () => (clockMs += 5 * 60_000) }),
  ]);
  const connection = (id: string, em: AmazonSellerEmulator, extra: Record<string, unknown> = {}) => ({
    id,
    source: 'amazon_seller',
    environment: 'live',
    base_url: em.url,
    lwa: { client_id_env: 'CDP_AMAZON_LWA_CLIENT_ID', client_secret_env: 'CDP_AMAZON_LWA_CLIENT_SECRET', refresh_token_env: 'CDP_AMAZON_LWA_REFRESH_TOKEN', token_url: em.tokenUrl },
    path_params: { marketplaceId: em.marketplaceId },
    ...extra,
  });
  ws = makeWorkspace([connection('amazon-us', seller), connection('amazon-crash', slowSeller, { streams: ['feedback'] }), connection('amazon-expiring', expiringSeller)]);
  // Reports asked about every half second (then every two at most); a killed worker is noticed within seconds.
  fs.appendFileSync(ws.configFile, 'sync:\n  heartbeat_timeout_seconds: 3\n  report_poll_seconds: 0.5\n  report_max_poll_seconds: 2\n');
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await env?.teardown();
  await Promise.all([seller?.close(), slowSeller?.close(), expiringSeller?.close()]);
  ws?.cleanup();
});

async function rawRows(stream: string, connection: string): Promise<{ rows: number; distinct: number; reports: string[] }> {
  const [row] = (await queryRawRows(
    ws.config(),
    'amazon_seller',
    stream,
    `select count(*)::int as rows, count(distinct primary_key)::int as distinct,
            list(distinct payload->'cdp_report'->>'reportId') filter (where (payload->'cdp_report') is not null) as reports
     from rows where connection = ${sqlString(connection)}`,
  )) as [{ rows: number; distinct: number; reports: string[] | null }];
  return { rows: row.rows, distinct: row.distinct, reports: row.reports ?? [] };
}

const reportWindows = (stream: string) => {
  const report = amazonSellerSource.streams.find((s) => s.name === stream)!.report!;
  return Math.ceil(report.historyDays / report.maxWindowDays);
};

/** The sync's counts and the raw files hold every order, line, return and reported feedback of the account, once each. */
async function expectLandsTheAccount(result: SyncWorkflowResult, em: AmazonSellerEmulator, connection: string): Promise<void> {
  const truth = em.truth();
  const expected = { orders: truth.counts.orders, order_items: truth.counts.order_items, returns: truth.returns.length, feedback: truth.feedback.filter((f) => f.rating <= 3).length };
  expect(Object.values(expected).every((n) => n > 0), JSON.stringify(expected)).toBe(true);
  expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]))).toEqual(expected);
  for (const [stream, count] of Object.entries(expected)) {
    const raw = await rawRows(stream, connection);
    expect({ rows: raw.rows, distinct: raw.distinct }, stream).toEqual({ rows: count, distinct: count });
  }
}

describe('Amazon seller syncs', () => {
  it('a historical sync lands every order, order line, return and feedback row the account holds, one report per window', async () => {
    startWorker();
    const handle = await startSync(env.client, findConnection(ws.config(), 'amazon-us'), { mode: 'historical', buildAfter: false, tuning: syncTuning(ws.config()) });
    await expectLandsTheAccount(await waitForSync(handle, () => {}), seller, 'amazon-us');
    expect(seller.truth().counts.orders).toBeGreaterThan(20);
    // A backfill is a series of windows, each one report, none asked for twice.
    expect(seller.stats().reportsCreated).toEqual({
      GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE: reportWindows('returns'),
      GET_SELLER_FEEDBACK_DATA: reportWindows('feedback'),
    });
    expect(seller.stats().earlyRetries).toBe(0);
    // Waiting for a report is a Temporal timer in the workflow's history, not an activity asleep.
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThan(0);
  });

  it('builds marketplace orders, returns and feedback, and per buyer the returned items and negative feedbacks an oracle counts from the account', async () => {
    const truth = seller.truth();
    const buyerOf = new Map(truth.orders.map((o) => [o.order.AmazonOrderId as string, o.buyer_email.toLowerCase()]));
    const oracle = (maxRating: number) => {
      const perBuyer = new Map<string, { returned_items: number; negative_feedbacks: number }>();
      const of = (orderId: string) => {
        const buyer = buyerOf.get(orderId)!;
        if (!perBuyer.has(buyer)) perBuyer.set(buyer, { returned_items: 0, negative_feedbacks: 0 });
        return perBuyer.get(buyer)!;
      };
      for (const r of truth.returns) of(r.order_id).returned_items += r.return_quantity;
      for (const f of truth.feedback) if (f.rating <= maxRating) of(f.order_id).negative_feedbacks += 1;
      return Object.fromEntries([...perBuyer].sort(([a], [b]) => a.localeCompare(b)));
    };
    const built = async () => {
      await runBuild(env.client);
      const { db, close } = await openWarehouseReadOnly(ws.config().layout.warehouse);
      try {
        const rows = (sql: string) => db.runAndReadAll(sql).then((r) => r.getRowObjectsJS());
        const metrics = await rows(`
          select c.email, m.returned_items::int as returned_items, m.negative_feedbacks::int as negative_feedbacks
          from core.customers c join marts.customer_metrics m using (customer_id)
          where c.customer_id in (select customer_id from core.orders where source = 'amazon_seller')
            and (m.returned_items > 0 or m.negative_feedbacks > 0)
          order by c.email`);
        const statuses = await rows(`select source_status, count(*)::int as n from core.orders where source = 'amazon_seller' group by all`);
        const counts = (await rows(`select (select count(*) from core.returns)::int as returns, (select count(*) from core.feedback)::int as feedback,
          (select count(*) from core.orders where source = 'amazon_seller' and customer_id is null)::int as orders_without_customer`))[0];
        return { metrics: Object.fromEntries(metrics.map((m) => [m.email as string, { returned_items: m.returned_items as number, negative_feedbacks: m.negative_feedbacks as number }])), statuses, counts };
      } finally {
        close();
      }
    };

    const first = await built();
    expect(first.metrics).toEqual(oracle(3));
    // Every status lands with its source value kept, as many as the account has of each.
    expect(Object.fromEntries(first.statuses.map((s) => [s.source_status, s.n]))).toEqual(Object.fromEntries(Object.entries(truth.counts.by_status).filter(([, n]) => n > 0)));
    // Amazon withholds the buyer of a pending order: such an order has no customer until it is paid.
    const withheld = truth.orders.filter((o) => !(o.order.BuyerInfo as { BuyerEmail?: string } | undefined)?.BuyerEmail).length;
    expect(first.counts).toEqual({ returns: truth.returns.length, feedback: truth.feedback.filter((f) => f.rating <= 3).length, orders_without_customer: withheld });

    // The seller counts only one- and two-star feedback as negative: one setting, the next build.
    fs.appendFileSync(ws.configFile, 'feedback:\n  negative_max_rating: 2\n');
    const stricter = await built();
    expect(stricter.metrics).toEqual(Object.fromEntries(Object.entries(oracle(2)).filter(([, m]) => m.returned_items > 0 || m.negative_feedbacks > 0)));
    expect(Object.values(stricter.metrics).reduce((n, m) => n + m.negative_feedbacks, 0)).toBeLessThan(Object.values(first.metrics).reduce((n, m) => n + m.negative_feedbacks, 0));
  });

  it('a worker killed with SIGKILL while a report is being built resumes that report instead of asking for another', async () => {
    if (worker) await killHard(worker);
    // From just before the newest reported feedback: one window, and a report with rows in it.
    const newest = slowSeller.truth().feedback.filter((f) => f.rating <= 3).at(-1)!;
    const since = new Date(Date.parse(newest.left_at) - 86_400_000);
    const handle = await startSync(env.client, findConnection(ws.config(), 'amazon-crash'), { mode: 'manual', since: since.toISOString(), buildAfter: false, tuning: syncTuning(ws.config()) });
    const w = startWorker();
    let pending: string | undefined;
    await waitFor(
      async () => {
        const token = (await committedState(ws.config(), 'amazon-crash', 'feedback')).inProgress?.pageToken;
        pending = token ? ((JSON.parse(token) as { reportId: string | null }).reportId ?? undefined) : undefined;
        return pending !== undefined;
      },
      30_000,
      'the first report to be requested',
    );
    await killHard(w);
    expect(slowSeller.stats().reportsCreated.GET_SELLER_FEEDBACK_DATA).toBe(1);
    startWorker();
    await waitForSync(handle, () => {});

    const expected = slowSeller.truth().feedback.filter((f) => f.rating <= 3 && Date.parse(f.left_at) >= since.getTime()).length;
    const raw = await rawRows('feedback', 'amazon-crash');
    expect(expected).toBeGreaterThan(0);
    expect(raw.rows).toBe(expected);
    // The rows came from the report requested before the kill, and no other report was asked for.
    expect(raw.reports).toEqual([pending]);
    expect(slowSeller.stats().reportsCreated.GET_SELLER_FEEDBACK_DATA).toBe(1);
  });

  it('a sync across many access-token expiries renews each and lands exactly what the account holds', async () => {
    if (!worker || worker.exitCode !== null || worker.signalCode !== null) startWorker();
    const handle = await startSync(env.client, findConnection(ws.config(), 'amazon-expiring'), { mode: 'historical', buildAfter: false, tuning: syncTuning(ws.config()) });
    await expectLandsTheAccount(await waitForSync(handle, () => {}), expiringSeller, 'amazon-expiring');
    const stats = expiringSeller.stats();
    expect(stats.expiredTokenRefusals).toBeGreaterThanOrEqual(5);
    expect(stats.tokensIssued).toBeGreaterThan(5);
    // No secret reaches the workflow's history.
    const history = JSON.stringify(await handle.fetchHistory());
    for (const secret of Object.values(expiringSeller.lwa)) expect(history).not.toContain(secret);
  });

  it('report windows without data end CANCELLED and land nothing, and the sync succeeds', async () => {
    if (!worker || worker.exitCode !== null || worker.signalCode !== null) startWorker();
    const created = (s: AmazonSellerEmulator) => Object.values(s.stats().reportsCreated).reduce((n, c) => n + c, 0);
    const before = { created: created(seller), cancelled: seller.stats().reportOutcomes.CANCELLED ?? 0 };
    // The account's data ends at its anchor: a window after it holds no order, return or feedback.
    const since = new Date(Date.parse(seller.truth().anchor) + 86_400_000).toISOString();
    const handle = await startSync(env.client, findConnection(ws.config(), 'amazon-us'), { mode: 'manual', since, buildAfter: false, tuning: syncTuning(ws.config()) });
    const result = await waitForSync(handle, () => {});
    expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]))).toEqual({ orders: 0, order_items: 0, returns: 0, feedback: 0 });
    const requested = created(seller) - before.created;
    expect(requested).toBeGreaterThanOrEqual(2);
    expect((seller.stats().reportOutcomes.CANCELLED ?? 0) - before.cancelled).toBe(requested);
  });
});
