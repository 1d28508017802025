import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, startFacebookAdsEmulator, type FacebookAdsEmulator, type FbGroundTruth } from '../../../emulators/facebook-ads';
import { DEFAULT_ANCHOR, generateWorld } from '../../../emulators/world';

const TOKEN = 'EAAsuiteTokenForTheFacebookAdsEmulator';
const INSIGHT_FIELDS = 'campaign_id,campaign_name,spend,impressions,clicks,date_start,date_stop,account_currency';

type Row = Record<string, string>;
interface GraphPage<T = Row> {
  data: T[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}
interface GraphError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

async function get<T = GraphPage>(url: string): Promise<{ status: number; headers: Headers; text: string; body: T }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as T };
}

function insightsUrl(em: FacebookAdsEmulator, params: Record<string, string>, version = 'v19.0'): string {
  const q = new URLSearchParams({ access_token: TOKEN, ...params });
  return `${em.url}/${version}/${em.adAccountId}/insights?${q.toString()}`;
}

/** Follows paging.next until it is absent, as a Graph API client does. */
async function followAll<T = Row>(first: string): Promise<{ rows: T[]; pages: string[] }> {
  const rows: T[] = [];
  const pages: string[] = [];
  for (let url: string | undefined = first; url; ) {
    const response: { status: number; text: string; body: GraphPage<T> } = await get<GraphPage<T>>(url);
    const { status, text, body } = response;
    if (status !== 200) throw new Error(`${url} answered ${status}: ${text}`);
    pages.push(text);
    rows.push(...body.data);
    url = body.paging?.next;
  }
  return { rows, pages };
}

const cents = (spend: string): number => Math.round(Number(spend) * 100);
const range = (since: string, until: string): string => JSON.stringify({ since, until });

let emulator: FacebookAdsEmulator;
let truth: FbGroundTruth;

beforeAll(async () => {
  emulator = await startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.1, accessTokens: [TOKEN], rateLimit: null });
  truth = emulator.truth();
});

afterAll(async () => {
  await emulator?.close();
});

describe('Facebook Ads emulator insights', () => {
  it('pages daily campaign insights over the whole history and matches the ground truth per campaign and day', async () => {
    const { rows, pages } = await followAll(insightsUrl(emulator, {
      level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, time_range: range(truth.range.since, truth.range.until), limit: '100',
    }));
    expect(pages.length).toBeGreaterThan(3);
    expect(rows.length).toBe(truth.totals.row_count);
    const keys = rows.map((r) => `${r.campaign_id}|${r.date_start}`);
    expect(new Set(keys).size).toBe(rows.length);
    expect(rows.every((r) => r.date_start === r.date_stop && r.account_currency === 'USD')).toBe(true);
    const expected = new Map(truth.daily.map((d) => [`${d.campaign_id}|${d.date}`, d] as const));
    for (const r of rows) {
      const d = expected.get(`${r.campaign_id}|${r.date_start}`)!;
      expect(r.spend).toBe(d.spend);
      expect(cents(r.spend!)).toBe(d.spend_minor);
      expect(r.impressions).toBe(String(d.impressions));
      expect(r.clicks).toBe(String(d.clicks));
      expect(r.campaign_name).toBe(d.campaign_name);
    }
    for (const c of truth.campaigns) {
      expect(rows.filter((r) => r.campaign_id === c.id).reduce((s, r) => s + cents(r.spend!), 0), c.name).toBe(c.spend_minor);
    }
  });

  it('prints spend as a decimal string with trailing zeros dropped and every metric as a string', async () => {
    const { body } = await get(insightsUrl(emulator, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, date_preset: 'last_30d' }));
    expect(body.data.length).toBeGreaterThan(0);
    for (const r of body.data) {
      expect(r.spend).toMatch(/^\d+(\.\d?[1-9])?$/);
      expect(r.impressions).toMatch(/^\d+$/);
      expect(r.clicks).toMatch(/^\d+$/);
      expect(Object.keys(r)).toEqual(INSIGHT_FIELDS.split(','));
    }
  });

  it('bounds rows by time_range and matches the truth row count for that range', async () => {
    const sub = emulator.truth({ since: '2025-09-01', until: '2025-10-15' });
    const { rows } = await followAll(insightsUrl(emulator, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, time_range: range('2025-09-01', '2025-10-15') }));
    expect(rows.length).toBe(sub.totals.row_count);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.every((r) => r.date_start! >= '2025-09-01' && r.date_stop! <= '2025-10-15')).toBe(true);
    expect(rows.reduce((s, r) => s + cents(r.spend!), 0)).toBe(sub.totals.spend_minor);
  });

  it('dates rows in the ad account time zone, so the last day is the anchor\'s Los Angeles date', async () => {
    expect(truth.ad_account.time_zone).toBe('America/Los_Angeles');
    // 2026-11-01T00:00Z is still 31 October in Los Angeles.
    expect(truth.ad_account.today).toBe('2026-10-31');
    const { body } = await get(insightsUrl(emulator, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, date_preset: 'today' }));
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.every((r) => r.date_start === '2026-10-31')).toBe(true);
    const { body: late } = await get(insightsUrl(emulator, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, time_range: range('2026-11-01', '2026-11-05') }));
    expect(late).toEqual({ data: [] });
  });

  it('prints campaign times with the Pacific offset in force, -0700 in summer and -0800 in winter', async () => {
    const { body } = await get<GraphPage<Record<string, string>>>(`${emulator.url}/v19.0/${emulator.adAccountId}/campaigns?fields=name,created_time,start_time,stop_time&access_token=${TOKEN}`);
    const stamps = body.data.flatMap((c) => [c.created_time, c.start_time, c.stop_time].filter((s): s is string => s !== undefined));
    const pdt = [[Date.parse('2025-03-09T10:00:00Z'), Date.parse('2025-11-02T09:00:00Z')], [Date.parse('2026-03-08T10:00:00Z'), Date.parse('2026-11-01T09:00:00Z')]];
    for (const s of stamps) {
      expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]00$/);
      const ms = Date.parse(s.replace(/(\d{2})(\d{2})$/, '$1:$2'));
      const summer = pdt.some(([from, to]) => ms >= from! && ms < to!);
      expect(s.slice(-5), s).toBe(summer ? '-0700' : '-0800');
    }
    expect(new Set(stamps.map((s) => s.slice(-5))).size).toBe(2);
  });

  it('aggregates all_days to one row per campaign spanning the requested range, and level=account to one row', async () => {
    const since = '2025-06-01';
    const until = '2025-12-31';
    const sub = emulator.truth({ since, until });
    const { body } = await get(insightsUrl(emulator, { level: 'campaign', fields: INSIGHT_FIELDS, time_range: range(since, until) }));
    const active = sub.campaigns.filter((c) => c.row_count > 0);
    expect(body.data.length).toBe(active.length);
    for (const r of body.data) {
      expect([r.date_start, r.date_stop]).toEqual([since, until]);
      expect(cents(r.spend!)).toBe(sub.campaigns.find((c) => c.id === r.campaign_id)!.spend_minor);
    }
    const { body: account } = await get(insightsUrl(emulator, { level: 'account', fields: 'spend,impressions', time_range: range(since, until) }));
    expect(account.data).toEqual([{ spend: sub.totals.spend, impressions: String(sub.totals.impressions), date_start: since, date_stop: until }]);
  });

  it('walks back with the before cursor to the page it came from', async () => {
    const params = { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, date_preset: 'maximum', limit: '10' };
    const first = await get(insightsUrl(emulator, params));
    const second = await get(first.body.paging!.next!);
    expect(decodeCursor(second.body.paging!.cursors.before)).toBe(10);
    expect(second.body.paging!.previous).toBeDefined();
    const back = await get(second.body.paging!.previous!);
    expect(back.body.data).toEqual(first.body.data);
    expect(encodeCursor(0)).toBe('MAZDZD');
  });

  it('accepts any vNN.N version and rejects bad parameters with (#100)', async () => {
    expect((await get(insightsUrl(emulator, { date_preset: 'yesterday' }, 'v21.0'))).status).toBe(200);
    const badRange = await get<GraphError>(insightsUrl(emulator, { time_range: '{"since":"2025-02-30"}' }));
    expect(badRange.status).toBe(400);
    expect(badRange.body.error).toMatchObject({ type: 'OAuthException', code: 100 });
    const badField = await get<GraphError>(insightsUrl(emulator, { fields: 'spend,nonsense' }));
    expect(badField.body.error.code).toBe(100);
    const otherAccount = await get<GraphError>(`${emulator.url}/v19.0/act_1/insights?access_token=${TOKEN}`);
    expect(otherAccount.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('Facebook Ads emulator campaigns', () => {
  it('pages campaigns with after cursors and names them after the world\'s Meta UTM campaigns', async () => {
    const { rows } = await followAll<Record<string, string>>(`${emulator.url}/v19.0/${emulator.adAccountId}/campaigns?fields=id,name,status,objective&limit=1&access_token=${TOKEN}`);
    expect(rows.map((c) => c.id).sort()).toEqual(truth.campaigns.map((c) => c.id).sort());
    const world = generateWorld({ seed: 7, scale: 0.1 });
    const metaUtm = new Set(world.people.flatMap((p) => (p.traits.acquisition && ['facebook', 'instagram'].includes(p.traits.acquisition.utm_source) ? [p.traits.acquisition.utm_campaign] : [])));
    expect(metaUtm.size).toBeGreaterThan(0);
    for (const name of metaUtm) expect(rows.map((c) => c.name)).toContain(name);
    for (const c of truth.campaigns.filter((c) => c.in_world)) expect(metaUtm.has(c.name)).toBe(true);
    const { body } = await get<GraphPage<Record<string, string>>>(`${emulator.url}/v19.0/${emulator.adAccountId}/campaigns?access_token=${TOKEN}`);
    expect(Object.keys(body.data[0]!)).toEqual(['id']);
  });
});

describe('Facebook Ads emulator restatement', () => {
  it('changes only the trailing three days when the restatement version is bumped, and returns to the same bytes', async () => {
    const em = await startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.1, accessTokens: [TOKEN], rateLimit: null });
    try {
      const url = insightsUrl(em, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, time_range: range('2026-10-10', '2026-10-31'), limit: '500' });
      const before = await get(url);
      const restated = new Set(em.truth().restated_dates);
      expect([...restated]).toEqual(['2026-10-29', '2026-10-30', '2026-10-31']);
      const bumped = (await (await fetch(`${em.url}/_emulator/restate`, { method: 'POST' })).json()) as { restatementVersion: number };
      expect(bumped.restatementVersion).toBe(1);
      const after = await get(url);
      expect(after.body.data.length).toBe(before.body.data.length);
      let changed = 0;
      before.body.data.forEach((row, i) => {
        const next = after.body.data[i]!;
        if (restated.has(row.date_start!)) {
          if (next.spend !== row.spend) changed++;
        } else {
          expect(next, row.date_start).toEqual(row);
        }
      });
      expect(changed).toBeGreaterThan(0);
      const t1 = em.truth({ since: '2026-10-29', until: '2026-10-31' });
      expect(t1.restatement_version).toBe(1);
      expect(after.body.data.filter((r) => restated.has(r.date_start!)).reduce((s, r) => s + cents(r.spend!), 0)).toBe(t1.totals.spend_minor);
      em.setFaults({ restatementVersion: 0 });
      expect((await get(url)).text).toBe(before.text);
    } finally {
      await em.close();
    }
  });
});

describe('Facebook Ads emulator auth, throttling and faults', () => {
  let local: FacebookAdsEmulator | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('answers a wrong token with OAuthException code 190 (HTTP 400) and a missing one with code 104', async () => {
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN] });
    const wrong = await get<GraphError>(`${local.url}/v19.0/${local.adAccountId}/insights?access_token=nope`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ type: 'OAuthException', code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    expect(wrong.body.error.fbtrace_id).toMatch(/^A[0-9A-Za-z]{22}$/);
    expect(wrong.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const missing = await get<GraphError>(`${local.url}/v19.0/${local.adAccountId}/insights`);
    expect(missing.body.error.code).toBe(104);
    const bearer = await fetch(`${local.url}/v19.0/${local.adAccountId}/insights`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  it('throttles with HTTP 400 and error code 17, reporting usage in X-Business-Use-Case-Usage on every answer', async () => {
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: { calls: 3, windowSeconds: 60 } });
    const url = insightsUrl(local, { date_preset: 'last_7d' });
    const usage = (h: Headers): { call_count: number; estimated_time_to_regain_access: number; type: string } =>
      (JSON.parse(h.get('x-business-use-case-usage')!) as Record<string, { call_count: number; estimated_time_to_regain_access: number; type: string }[]>)[local!.adAccountId.slice(4)]![0]!;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get(url);
      expect(r.status).toBe(200);
      counts.push(usage(r.headers).call_count);
      expect(usage(r.headers).type).toBe('ads_insights');
    }
    expect(counts).toEqual([33, 66, 100]);
    const limited = await get<GraphError>(url);
    expect(limited.status).toBe(400);
    expect(limited.body.error).toMatchObject({ type: 'OAuthException', code: 17, error_subcode: 2446079 });
    expect(usage(limited.headers).call_count).toBe(100);
    expect(usage(limited.headers).estimated_time_to_regain_access).toBeGreaterThanOrEqual(1);
    local.setFaults({ throttleCode: 80000 });
    expect((await get<GraphError>(url)).body.error.code).toBe(80000);
    const wrongToken = await get(`${local.url}/v19.0/${local.adAccountId}/insights?access_token=nope`);
    expect(wrongToken.headers.get('x-business-use-case-usage')).not.toBeNull();
  });

  it('lets calls through again once the rolling window has passed', async () => {
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: { calls: 2, windowSeconds: 0.3 } });
    const url = insightsUrl(local, { date_preset: 'yesterday' });
    await get(url);
    await get(url);
    expect((await get(url)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await get(url)).status).toBe(200);
  });

  it('fails a burst of requests with Graph-style 5xx bodies, then recovers', async () => {
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: null });
    local.setFaults({ failNextRequests: 2, failStatus: 500 });
    const first = await get<GraphError>(insightsUrl(local, {}));
    expect(first.status).toBe(500);
    expect(first.body.error).toMatchObject({ code: 1, error_subcode: 99 });
    expect((await get(insightsUrl(local, {}))).status).toBe(500);
    expect((await get(insightsUrl(local, {}))).status).toBe(200);
  });

  it('answers 503 code 2 during an outage and inside the outage window only', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: null, now: () => now });
    local.setFaults({ outage: true });
    const down = await get<GraphError>(insightsUrl(local, {}));
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe(2);
    local.setFaults({ outage: false, outageWindow: { from: '2030-01-01T01:00:00Z', until: '2030-01-01T02:00:00Z' } });
    expect((await get(insightsUrl(local, {}))).status).toBe(200);
    now = Date.parse('2030-01-01T01:30:00Z');
    expect((await get(insightsUrl(local, {}))).status).toBe(503);
    now = Date.parse('2030-01-01T02:00:00Z');
    expect((await get(insightsUrl(local, {}))).status).toBe(200);
  });
});

describe('Facebook Ads emulator determinism', () => {
  it('serves the same bytes for the same seed (up to the host in next URLs) and different bytes for another seed', async () => {
    const make = (seed: number): Promise<FacebookAdsEmulator> => startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed, scale: 0.05, accessTokens: [TOKEN], rateLimit: null });
    const [a, b, c] = await Promise.all([make(21), make(21), make(22)]);
    try {
      const pagesOf = async (em: FacebookAdsEmulator): Promise<string[]> =>
        (await followAll(insightsUrl(em, { level: 'campaign', time_increment: '1', fields: INSIGHT_FIELDS, date_preset: 'maximum', limit: '200' }))).pages.map((p) => p.replaceAll(em.url, 'ORIGIN'));
      const [pa, pb, pc] = await Promise.all([pagesOf(a), pagesOf(b), pagesOf(c)]);
      expect(pb).toEqual(pa);
      expect(pc).not.toEqual(pa);
      expect(JSON.stringify(b.truth())).toBe(JSON.stringify(a.truth()));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('reports the same ground truth over HTTP as truth(), for a range too', async () => {
    expect((await get<FbGroundTruth>(`${emulator.url}/_emulator/truth`)).body).toEqual(truth);
    const sub = (await get<FbGroundTruth>(`${emulator.url}/_emulator/truth?since=2025-10-01&until=2025-10-31`)).body;
    expect(sub).toEqual(emulator.truth({ since: '2025-10-01', until: '2025-10-31' }));
    expect(sub.daily.every((d) => d.date >= '2025-10-01' && d.date <= '2025-10-31')).toBe(true);
  });
});
