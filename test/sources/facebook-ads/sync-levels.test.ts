import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import { runBuild } from '../../../app/builds';
import { startSync, waitForSync } from '../../../app/syncs';
import { startFacebookAdsEmulator, type FacebookAdsEmulator } from '../../../emulators/facebook-ads';
import { findConnection } from '../../../lib/config';
import { SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import { decimalToMinor, getJson } from '../../support/staging-values';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';

// A connection that reads insights at every level, synced historically twice through the real dev
// server: raw holds exactly what the emulator serves at each level (twice), and the staging models
// fold it to one row per ad set and ad per account day with the emulator's own sums. The truth is
// the emulator's (truth(), and its API's own answers), written apart from the connector and models.

const TOKEN = 'EAAsyncLevelsTestToken';

let env: TestWorkflowEnvironment;
let em: FacebookAdsEmulator;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
const sql = async (query: string) => (await queryWarehouse(ws.config().layout.warehouse, query)).rows;

beforeAll(async () => {
  [env, em] = await Promise.all([startDevServer(), startFacebookAdsEmulator({ seed: 11, scale: 0.05, accessTokens: [TOKEN], rateLimit: null })]);
  process.env.CDP_LEVELS_FB = TOKEN;
  ws = makeWorkspace(
    [{ id: 'ads', source: 'facebook_ads', environment: 'live', base_url: `${em.url}/v19.0/${em.adAccountId}`, credential_env: 'CDP_LEVELS_FB', requests_per_second: 50, insights_levels: ['campaign', 'adset', 'ad'] }],
    { sync: { report_poll_seconds: 0.1 } },
  );
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
  // Twice over, so every record lands two versions that staging must fold into one.
  for (let round = 0; round < 2; round++) {
    await waitForSync(await startSync(env.client, findConnection(ws.config(), 'ads'), { mode: 'historical' }), () => {});
  }
  await runBuild(env.client);
}, 300_000);

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await em?.close();
  ws?.cleanup();
});

describe('a Facebook Ads sync at ad-set and ad level', () => {
  it('lands every row the emulator serves at each level, once a sync', async () => {
    const truth = em.truth();
    const [raw] = await sql(`select
        (select count(*) from raw.facebook_ads__insights)::int as campaign,
        (select count(*) from raw.facebook_ads__adset_insights)::int as adset,
        (select count(*) from raw.facebook_ads__ad_insights)::int as ad,
        (select count(*) from raw.facebook_ads__ad_account)::int as account`);
    expect(raw).toEqual({ campaign: 2 * truth.levels.campaign.row_count, adset: 2 * truth.levels.adset.row_count, ad: 2 * truth.levels.ad.row_count, account: 2 });
    expect(truth.levels.ad.row_count).toBeGreaterThan(truth.levels.adset.row_count);
    expect(truth.levels.adset.row_count).toBeGreaterThan(truth.levels.campaign.row_count);
  });

  it('stages the ad account with the time zone and currency it serves', async () => {
    const truth = em.truth();
    expect(await sql('select ad_account_id, currency, time_zone from staging.stg_facebook_ads__ad_account')).toEqual([
      { ad_account_id: truth.ad_account.id.replace(/^act_/, ''), currency: truth.ad_account.currency, time_zone: truth.ad_account.time_zone },
    ]);
  });

  it('stages one row per ad set and account day, adding up per ad set to the ground truth', async () => {
    const truth = em.truth();
    const rows = await sql(`select adset_id, any_value(adset_name) as name, any_value(campaign_id) as campaign_id, count(*)::int as row_count,
        sum(spend_minor)::bigint::varchar as spend_minor, sum(impressions)::bigint::varchar as impressions, sum(clicks)::bigint::varchar as clicks,
        count(distinct currency)::int as currencies, any_value(currency) as currency
      from staging.stg_facebook_ads__adset_insights group by adset_id order by adset_id`);
    const want = truth.adsets
      .filter((a) => a.row_count > 0)
      .map((a) => ({ adset_id: a.id, name: a.name, campaign_id: a.campaign_id, row_count: a.row_count, spend_minor: String(a.spend_minor), impressions: String(a.impressions), clicks: String(a.clicks), currencies: 1, currency: truth.ad_account.currency }))
      .sort((a, b) => (a.adset_id < b.adset_id ? -1 : 1));
    expect(rows).toEqual(want);
  });

  it('stages one row per ad and account day, adding up per ad to the ground truth', async () => {
    const truth = em.truth();
    const rows = await sql(`select ad_id, any_value(ad_name) as name, any_value(adset_id) as adset_id, any_value(campaign_id) as campaign_id, count(*)::int as row_count,
        sum(spend_minor)::bigint::varchar as spend_minor, sum(impressions)::bigint::varchar as impressions, sum(clicks)::bigint::varchar as clicks
      from staging.stg_facebook_ads__ad_insights group by ad_id order by ad_id`);
    const want = truth.ads
      .filter((a) => a.row_count > 0)
      .map((a) => ({ ad_id: a.id, name: a.name, adset_id: a.adset_id, campaign_id: a.campaign_id, row_count: a.row_count, spend_minor: String(a.spend_minor), impressions: String(a.impressions), clicks: String(a.clicks) }))
      .sort((a, b) => (a.ad_id < b.ad_id ? -1 : 1));
    expect(rows).toEqual(want);
    const [levels] = await sql(`select
        (select sum(spend_minor) from core.ad_spend_detail where level = 'adset')::bigint::varchar as adset,
        (select sum(spend_minor) from core.ad_spend_detail where level = 'ad')::bigint::varchar as ad,
        (select sum(spend_minor) from core.ad_spend)::bigint::varchar as campaign`);
    expect(levels).toEqual({ adset: String(truth.levels.adset.spend_minor), ad: String(truth.levels.ad.spend_minor), campaign: String(truth.levels.campaign.spend_minor) });
  });

  it('keeps the exact values of individual ad-days the API answers', async () => {
    const params = new URLSearchParams({
      level: 'ad', time_increment: '1', date_preset: 'maximum', fields: 'ad_id,adset_id,date_start,spend,impressions,clicks,account_currency', limit: '25', access_token: TOKEN,
    });
    const { data } = await getJson<{ data: { ad_id: string; adset_id: string; date_start: string; spend: string; impressions: string; clicks: string; account_currency: string }[] }>(`${em.url}/v19.0/${em.adAccountId}/insights?${params}`);
    expect(data).toHaveLength(25);
    for (const row of data) {
      const rows = await sql(`select adset_id, spend_minor::varchar as spend, impressions::varchar as impressions, clicks::varchar as clicks, currency
        from staging.stg_facebook_ads__ad_insights where ad_id = '${row.ad_id}' and spend_date = date '${row.date_start}'`);
      expect(rows).toEqual([{ adset_id: row.adset_id, spend: String(decimalToMinor(row.spend)), impressions: row.impressions, clicks: row.clicks, currency: row.account_currency }]);
    }
  });
});
