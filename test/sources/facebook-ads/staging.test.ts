import { describe, expect, it } from 'vitest';
import { buildExamplesBeforeAll } from '../../support/example-staging';
import { syncTwiceAndBuildBeforeAll } from '../../support/synced-staging';
import { asRecord, decimalToMinor, getJson } from '../../support/staging-values';

// The staging models against the ad account emulator after two historical syncs of the `ads`
// connection, and against the official example responses of the API reference.

describe('Facebook Ads staging', () => {
  const staged = syncTwiceAndBuildBeforeAll(['ads']);
  const { sql } = staged;
  const graph = () => ({ base: `${staged.emulators.facebook.url}/v19.0/${staged.emulators.facebook.adAccountId}`, token: staged.emulators.env.CDP_T_FB! });

  it('keeps exact values of individual campaign-days: spend in minor units on the account\'s day', async () => {
    const { base, token } = graph();
    const params = new URLSearchParams({
      level: 'campaign',
      time_increment: '1',
      date_preset: 'maximum',
      fields: 'campaign_id,date_start,spend,impressions,clicks,account_currency',
      limit: '5',
      access_token: token,
    });
    const { data } = await getJson<{ data: { campaign_id: string; date_start: string; spend: string; impressions: string; clicks: string; account_currency: string }[] }>(`${base}/insights?${params}`);
    expect(data).toHaveLength(5);
    for (const row of data) {
      const rows = await sql(`select spend_minor::varchar as spend, impressions::varchar as impressions, clicks::varchar as clicks, currency
        from staging.stg_facebook_ads__insights where campaign_id = '${row.campaign_id}' and spend_date = date '${row.date_start}'`);
      expect(rows).toEqual([{ spend: String(decimalToMinor(row.spend)), impressions: row.impressions, clicks: row.clicks, currency: row.account_currency }]);
    }
  });

  it('sums spend, impressions and clicks, in total and per campaign, to the ad account ground truth', async () => {
    const truth = staged.emulators.facebook.truth();
    const [totals] = await sql(`select sum(spend_minor)::varchar as spend_minor, sum(impressions)::varchar as impressions, sum(clicks)::varchar as clicks,
        count(*)::int as row_count, lower(any_value(currency)) as currency, count(distinct currency)::int as currencies
      from staging.stg_facebook_ads__insights`);
    expect(totals).toEqual({
      spend_minor: String(truth.totals.spend_minor),
      impressions: String(truth.totals.impressions),
      clicks: String(truth.totals.clicks),
      row_count: truth.totals.row_count,
      currency: truth.ad_account.currency.toLowerCase(),
      currencies: 1,
    });
    const byCampaign = asRecord(await sql('select campaign_id as key, sum(spend_minor)::varchar as n from staging.stg_facebook_ads__insights group by 1'));
    const want = Object.fromEntries(truth.campaigns.filter((c) => c.row_count > 0).map((c) => [c.id, c.spend_minor]));
    expect(byCampaign).toEqual(want);
  });

  it('reads campaign times with colon-less offsets to the right UTC instant', async () => {
    const { base, token } = graph();
    const params = new URLSearchParams({ fields: 'id,name,status,updated_time,created_time', access_token: token });
    const { data } = await getJson<{ data: { id: string; name: string; status: string; updated_time: string; created_time: string }[] }>(`${base}/campaigns?${params}`);
    expect(data.length).toBeGreaterThan(0);
    // "2025-09-06T17:00:00-0700" is not ECMAScript's date format; give the offset its colon first.
    const instant = (graphTime: string) => String(Date.parse(graphTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    for (const c of data) {
      expect(c.updated_time).toMatch(/[+-]\d{4}$/);
      const rows = await sql(`select campaign_name, source_status, epoch_ms(updated_at)::varchar as updated_ms, epoch_ms(created_at)::varchar as created_ms
        from staging.stg_facebook_ads__campaigns where campaign_id = '${c.id}'`);
      expect(rows).toEqual([{ campaign_name: c.name, source_status: c.status, updated_ms: instant(c.updated_time), created_ms: instant(c.created_time) }]);
    }
  });
});

describe('the staging models over the official example responses', () => {
  const examples = buildExamplesBeforeAll('facebook_ads');

  it('Facebook Ads: spend strings become minor units, days stay days, colon-less offsets become UTC', async () => {
    // insights.json: "spend": "5339.5", "impressions": "361324", "date_start": "2025-03-14".
    expect(await examples.one(`select spend_minor::int as spend, impressions::int as impressions, spend_date::varchar as day from staging.stg_facebook_ads__insights`)).toEqual({
      spend: 533950,
      impressions: 361324,
      day: '2025-03-14',
    });
    // campaigns.json: "updated_time": "2025-04-12T08:30:00-0700", "daily_budget": "1000".
    expect(await examples.one(`select strftime(updated_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as updated, daily_budget_minor::int as budget from staging.stg_facebook_ads__campaigns`)).toEqual({
      updated: '2025-04-12T15:30:00Z',
      budget: 1000,
    });
  });

  it('Facebook Ads: the ad account node gives its time zone and currency, and ad-set and ad rows their ids and spend in it', async () => {
    // ad_account.json: "id": "act_<AD_ACCOUNT_ID>", "currency": "USD", "timezone_name": "America/Los_Angeles".
    expect(await examples.one('select ad_account_id, currency, time_zone, utc_offset_hours::int as offset, account_status from staging.stg_facebook_ads__ad_account')).toEqual({
      ad_account_id: '<AD_ACCOUNT_ID>',
      currency: 'USD',
      time_zone: 'America/Los_Angeles',
      offset: -7,
      account_status: 1,
    });
    // adset_insights.json and ad_insights.json: the insights example with the level's ids, and no account_currency:
    // their spend is in the account's currency, which the node says.
    expect(await examples.one('select adset_id, campaign_id, spend_minor::int as spend, currency, spend_date::varchar as day from staging.stg_facebook_ads__adset_insights')).toEqual({
      adset_id: '<ADSET_ID>',
      campaign_id: '<CAMPAIGN_ID>',
      spend: 533950,
      currency: 'USD',
      day: '2025-03-14',
    });
    expect(await examples.one('select ad_id, ad_name, adset_id, spend_minor::int as spend, impressions::int as impressions, currency from staging.stg_facebook_ads__ad_insights')).toEqual({
      ad_id: '<AD_ID>',
      ad_name: '<AD_NAME>',
      adset_id: '<ADSET_ID>',
      spend: 533950,
      impressions: 361324,
      currency: 'USD',
    });
  });
});
