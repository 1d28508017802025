import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFacebookAdsEmulator, type FacebookAdsEmulator, type FbGroundTruth } from '../../../emulators/facebook-ads';
import { DEFAULT_ANCHOR } from '../../../emulators/world';

// What a client pointed at a real ad account uses beyond daily campaign insights: the account node,
// asynchronous report runs, ad-set and ad levels, filtering, status filters, the 37-month limit and
// every throttle code. Expectations come from the Marketing API reference and the emulator's ground truth.

const TOKEN = 'EAAsuiteTokenForTheFacebookAdsEmulator';
type Row = Record<string, string>;
interface GraphError {
  error: { message: string; type: string; code: number; error_subcode?: number };
}

async function call<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** Follows paging.next to the end. */
async function allRows(first: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let url: string | undefined = first; url; ) {
    const answer: { status: number; body: { data: Row[]; paging?: { next?: string } } } = await call(url);
    const { status, body } = answer;
    if (status !== 200) throw new Error(`${url} answered ${status}: ${JSON.stringify(body)}`);
    rows.push(...body.data);
    url = body.paging?.next;
  }
  return rows;
}

const cents = (spend: string): number => Math.round(Number(spend) * 100);
const sumCents = (rows: Row[]): number => rows.reduce((s, r) => s + cents(r.spend!), 0);
const range = (since: string, until: string): string => JSON.stringify({ since, until });

let em: FacebookAdsEmulator;
let truth: FbGroundTruth;
const url = (path: string, params: Record<string, string> = {}) => `${em.url}/v19.0/${path}?${new URLSearchParams({ access_token: TOKEN, ...params })}`;

beforeAll(async () => {
  em = await startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.1, accessTokens: [TOKEN], rateLimit: null });
  truth = em.truth();
});
afterAll(async () => {
  await em?.close();
});

describe('the ad account node', () => {
  it('answers the account time zone, currency and offset, and only id and account_id without fields', async () => {
    const { status, body } = await call<Record<string, unknown>>(url(em.adAccountId, { fields: 'name,timezone_name,currency,timezone_offset_hours_utc,account_status' }));
    expect(status).toBe(200);
    // 2026-11-01T00:00Z falls in Pacific Daylight Time (UTC-7) in Los Angeles.
    expect(body).toEqual({ name: truth.ad_account.name, timezone_name: 'America/Los_Angeles', currency: 'USD', timezone_offset_hours_utc: -7, account_status: 1, id: em.adAccountId });
    expect((await call(url(em.adAccountId))).body).toEqual({ account_id: em.adAccountId.slice(4), id: em.adAccountId });
    const bad = await call<GraphError>(url(em.adAccountId, { fields: 'timezone_name,nonsense' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(100);
    expect((await call<GraphError>(url('act_1', { fields: 'currency' }))).body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('asynchronous insights jobs', () => {
  const params = { level: 'campaign', time_increment: '1', fields: 'campaign_id,spend,impressions,date_start', time_range: range('2025-06-01', '2025-12-31') };

  it('starts a report run, moves it a step per status read to Job Completed, and pages the same rows as a synchronous read', async () => {
    em.setFaults({ asyncJobPolls: 3 });
    const started = await call<{ report_run_id: string }>(url(`${em.adAccountId}/insights`), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString(),
    });
    expect(started.status).toBe(200);
    const id = started.body.report_run_id;
    expect(id).toMatch(/^\d{16}$/);
    const statuses: [string, number][] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await call<{ id: string; async_status: string; async_percent_completion: number; date_start: string; date_stop: string }>(url(id));
      expect(body).toMatchObject({ id, date_start: '2025-06-01', date_stop: '2025-12-31' });
      statuses.push([body.async_status, body.async_percent_completion]);
      if (i === 0) expect((await call<GraphError>(url(`${id}/insights`))).status).toBe(400);
    }
    expect(statuses).toEqual([['Job Started', 0], ['Job Running', 33], ['Job Completed', 100]]);
    const viaJob = await allRows(url(`${id}/insights`, { limit: '50' }));
    expect(viaJob).toEqual(await allRows(url(`${em.adAccountId}/insights`, { ...params, limit: '500' })));
    expect(viaJob.length).toBe(em.truth({ since: '2025-06-01', until: '2025-12-31' }).totals.row_count);
  });

  it('takes its parameters as a JSON body too, and ends Job Failed when told to, with no rows to read', async () => {
    em.setFaults({ asyncJobPolls: 1, failNextAsyncJobs: 1 });
    const post = () =>
      call<{ report_run_id: string }>(url(`${em.adAccountId}/insights`), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, time_range: { since: '2025-06-01', until: '2025-06-30' } }),
      });
    const failed = (await post()).body.report_run_id;
    expect((await call<{ async_status: string }>(url(failed))).body.async_status).toBe('Job Failed');
    expect((await call<GraphError>(url(`${failed}/insights`))).body.error.code).toBe(100);
    const ok = (await post()).body.report_run_id;
    expect((await call<{ async_status: string }>(url(ok))).body.async_status).toBe('Job Completed');
    expect((await allRows(url(`${ok}/insights`))).length).toBe(em.truth({ since: '2025-06-01', until: '2025-06-30' }).totals.row_count);
    expect((await call<GraphError>(url('9999999999999999'))).body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('insights by ad set and ad', () => {
  it('serves level=adset and level=ad with the ground truth rows and the same money as the campaigns', async () => {
    const q = (level: string) => url(`${em.adAccountId}/insights`, {
      level, time_increment: '1', fields: 'campaign_id,adset_id,adset_name,ad_id,ad_name,spend,impressions,clicks', time_range: range(truth.range.since, truth.range.until), limit: '500',
    });
    const adsets = await allRows(q('adset'));
    const ads = await allRows(q('ad'));
    expect(adsets.length).toBe(truth.levels.adset.row_count);
    expect(ads.length).toBe(truth.levels.ad.row_count);
    expect(ads.length).toBeGreaterThan(truth.totals.row_count);
    for (const rows of [adsets, ads]) {
      expect(sumCents(rows)).toBe(truth.totals.spend_minor);
      expect(rows.reduce((s, r) => s + Number(r.impressions), 0)).toBe(truth.totals.impressions);
    }
    const adOf = new Map(truth.ads.map((a) => [a.id, a]));
    for (const r of ads) expect([r.adset_id, r.campaign_id, r.ad_name]).toEqual([adOf.get(r.ad_id!)!.adset_id, adOf.get(r.ad_id!)!.campaign_id, adOf.get(r.ad_id!)!.name]);
    expect(adsets.every((r) => r.ad_id === undefined && r.adset_name !== undefined)).toBe(true);
    for (const a of truth.ads) expect(sumCents(ads.filter((r) => r.ad_id === a.id))).toBe(a.spend_minor);
  });

  it('applies filtering before summing, and refuses fields and operators it does not know', async () => {
    const campaign = truth.campaigns.find((c) => c.row_count > 0)!;
    const filtering = JSON.stringify([{ field: 'campaign.id', operator: 'IN', value: [campaign.id] }]);
    const rows = await allRows(url(`${em.adAccountId}/insights`, { level: 'ad', fields: 'campaign_id,ad_id,spend', time_range: range(truth.range.since, truth.range.until), filtering, limit: '500' }));
    expect(new Set(rows.map((r) => r.campaign_id))).toEqual(new Set([campaign.id]));
    expect(sumCents(rows)).toBe(campaign.spend_minor);
    expect(new Set(rows.map((r) => r.ad_id))).toEqual(new Set(truth.ads.filter((a) => a.campaign_id === campaign.id && a.row_count > 0).map((a) => a.id)));
    const paused = truth.campaigns.filter((c) => c.status === 'PAUSED');
    const byStatus = await allRows(url(`${em.adAccountId}/insights`, {
      level: 'campaign', fields: 'campaign_id,spend', time_range: range(truth.range.since, truth.range.until), filtering: JSON.stringify([{ field: 'campaign.effective_status', operator: 'IN', value: ['PAUSED'] }]),
    }));
    expect(byStatus.map((r) => r.campaign_id).sort()).toEqual(paused.filter((c) => c.row_count > 0).map((c) => c.id).sort());
    for (const bad of [[{ field: 'campaign.id', operator: 'LIKE', value: 'x' }], [{ field: 'campaign.budget', operator: 'EQUAL', value: '1' }], { field: 'campaign.id' }]) {
      expect((await call<GraphError>(url(`${em.adAccountId}/insights`, { filtering: JSON.stringify(bad) }))).body.error.code).toBe(100);
    }
  });
});

describe('campaigns edge', () => {
  it('filters by effective_status, leaves deleted and archived out by default, and accepts valid fields such as adlabels', async () => {
    const paused = await allRows(url(`${em.adAccountId}/campaigns`, { fields: 'id,status,adlabels', effective_status: '["PAUSED"]', limit: '100' }));
    expect(paused.map((c) => c.id).sort()).toEqual(truth.campaigns.filter((c) => c.status === 'PAUSED').map((c) => c.id).sort());
    expect(paused.every((c) => c.status === 'PAUSED' && !('adlabels' in c))).toBe(true);
    expect((await allRows(url(`${em.adAccountId}/campaigns`, { limit: '100' }))).length).toBe(truth.campaigns.length);
    expect((await allRows(url(`${em.adAccountId}/campaigns`, { effective_status: '["DELETED","ARCHIVED"]' }))).length).toBe(0);
    expect((await call<GraphError>(url(`${em.adAccountId}/campaigns`, { effective_status: '["SLEEPING"]' }))).body.error.code).toBe(100);
  });
});

describe('the 37-month limit', () => {
  it('answers error 3018 for a range starting more than 37 months before the account today, synchronous or not', async () => {
    // The account's today is 2026-10-31: 37 months back is 2023-09-30.
    const ask = (since: string, method = 'GET') =>
      call<GraphError | { data: Row[] }>(url(`${em.adAccountId}/insights`, { level: 'campaign', time_range: range(since, '2023-10-31') }), { method });
    const refused = await ask('2023-09-29');
    expect(refused.status).toBe(400);
    expect((refused.body as GraphError).error).toMatchObject({ code: 3018, type: 'OAuthException' });
    expect((await ask('2023-09-29', 'POST')).status).toBe(400);
    expect((await ask('2023-09-30')).status).toBe(200);
  });
});

describe('throttle codes', () => {
  let local: FacebookAdsEmulator | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('answers each documented throttle code with HTTP 400, and code 4 with the app usage headers at 100', async () => {
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: { calls: 1, windowSeconds: 60 } });
    const insights = `${local.url}/v19.0/${local.adAccountId}/insights?access_token=${TOKEN}&date_preset=yesterday`;
    expect((await fetch(insights)).status).toBe(200);
    const expected: Record<number, { message: RegExp; error_subcode?: number }> = {
      4: { message: /^\(#4\) Application request limit reached/ },
      17: { message: /^\(#17\)/, error_subcode: 2446079 },
      32: { message: /^\(#32\) Page request limit reached/ },
      613: { message: /^\(#613\)/, error_subcode: 1487742 },
      80000: { message: /^\(#80000\)/, error_subcode: 2446079 },
    };
    for (const [code, shape] of Object.entries(expected)) {
      local.setFaults({ throttleCode: Number(code) as 4 | 17 | 32 | 613 | 80000 });
      // setFaults with a new code keeps the meter: the budget is still spent.
      const refused = await call<GraphError>(insights);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: Number(code), type: 'OAuthException', ...(shape.error_subcode ? { error_subcode: shape.error_subcode } : {}) });
      expect(refused.body.error.message).toMatch(shape.message);
      const app = JSON.parse(refused.headers.get('x-app-usage')!) as { call_count: number };
      const throttle = JSON.parse(refused.headers.get('x-fb-ads-insights-throttle')!) as { app_id_util_pct: number; acc_id_util_pct: number };
      if (code === '4') {
        expect(app.call_count).toBe(100);
        expect(throttle.app_id_util_pct).toBe(100);
      } else {
        expect(app.call_count).toBe(0);
        expect(throttle.acc_id_util_pct).toBe(100);
      }
    }
  });
});
