import type { DuckDBConnection } from '@duckdb/node-api';

// The numbers of the attribution report, read from the warehouse's attribution tables: the CLI
// table, the CSV and JSON outputs and the HTML page all render this one object.

export const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay', 'markov'] as const;
export type ModelName = (typeof MODELS)[number];
export const GROUPINGS = ['campaign', 'platform', 'source', 'medium'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface ReportRow {
  model: string;
  /** The group: a campaign (`platform / campaign`), a platform, a source or a medium. */
  group: string;
  leads: number;
  customers: number;
  invoicedMinor: number;
  collectedMinor: number;
  /** NULL when the spend's currency has no rate. */
  spendMinor: number | null;
  costPerLeadMinor: number | null;
  costPerAcquisitionMinor: number | null;
  roas: number | null;
}

export interface AttributionReportData {
  environment: string;
  timezone: string;
  currency: string;
  /** Inclusive days (account time zone), or none for everything. */
  from?: string;
  to?: string;
  by: Grouping;
  models: string[];
  rows: ReportRow[];
  /** Per day and model: revenue credited and spend. */
  overTime: { date: string; model: string; invoicedMinor: number; collectedMinor: number; spendMinor: number | null }[];
  ltvBySource: { source: string; medium: string; campaign: string; customers: number; revenue30dMinor: number; revenue90dMinor: number; revenue365dMinor: number; lifetimeRevenueMinor: number; averageLtvMinor: number }[];
  /** The no-double-counting check per model: conversions and revenue against what was credited. */
  checks: { model: string; kind: string; conversions: number; credited: number; balanced: boolean }[];
}

export interface ReportQuery {
  environment: string;
  models: string[];
  by: Grouping;
  from?: string;
  to?: string;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Reads the report from `attribution.*`; dates filter on `attribution_by_campaign.date`. Every value is a bound parameter. */
export async function readAttributionReport(db: DuckDBConnection, q: ReportQuery): Promise<AttributionReportData> {
  const settings = (await db.runAndReadAll('select timezone, reporting_currency from config.settings')).getRowObjectsJS()[0]!;
  // Campaign rows: a non-ad source's campaign stays apart from an ad platform's of the same name.
  const groupSql = { campaign: "platform || ' / ' || campaign", platform: 'platform', source: 'platform', medium: 'platform' }[q.by];
  const where = `environment = ?::VARCHAR and model in (select unnest(?::VARCHAR[]))
    and (?::DATE is null or date >= ?::DATE) and (?::DATE is null or date <= ?::DATE)`;
  const params = [q.environment, `[${q.models.join(',')}]`, q.from ?? null, q.from ?? null, q.to ?? null, q.to ?? null];
  // Markov per campaign or platform: the standard totals (attribution.markov_standard_by_day) beside
  // the same spend; the other models, and Markov by source or medium, add up per-conversion credits.
  const rows = q.by === 'source' || q.by === 'medium' ? await bySourceOrMedium(db, q, params) : (
    await db.runAndReadAll(
      `with standard as (
         select platform, campaign, sum(credit) filter (where kind = 'lead') as leads, sum(credit) filter (where kind = 'customer') as customers,
                sum(invoiced_minor) filter (where kind = 'order') as invoiced_minor, sum(collected_minor) filter (where kind = 'order') as collected_minor
         from attribution.markov_standard_by_day
         where environment = ?::VARCHAR and (?::DATE is null or date >= ?::DATE) and (?::DATE is null or date <= ?::DATE)
         group by all
       ),
       markov_spend as (
         select platform, campaign, sum(spend_minor) as spend_minor
         from attribution.attribution_by_campaign where ${where} and model = 'markov'
         group by all
       ),
       markov as (
         select 'markov' as model, coalesce(standard.platform, markov_spend.platform) as platform, coalesce(standard.campaign, markov_spend.campaign) as campaign,
                coalesce(standard.leads, 0) as leads, coalesce(standard.customers, 0) as customers,
                coalesce(standard.invoiced_minor, 0) as invoiced_minor, coalesce(standard.collected_minor, 0) as collected_minor,
                case when markov_spend.platform is null then 0 else markov_spend.spend_minor end as spend_minor
         from standard full join markov_spend using (platform, campaign)
         where list_contains(?::VARCHAR[], 'markov')
       ),
       by_model as (
         select model, platform, campaign, leads, customers, invoiced_minor, collected_minor, spend_minor
         from attribution.attribution_by_campaign where ${where} and model <> 'markov'
         union all
         select * from markov
       )
       select model, ${groupSql} as grp, sum(leads) as leads, sum(customers) as customers, sum(invoiced_minor) as invoiced,
              sum(collected_minor) as collected, sum(spend_minor) as spend
       from by_model
       group by all order by model, spend desc nulls last, collected desc, grp`,
      [q.environment, ...params.slice(2), ...params, params[1], ...params] as never,
    )
  ).getRowObjectsJS();
  const overTime = (
    await db.runAndReadAll(
      `select date::varchar as date, model, sum(invoiced_minor) as invoiced, sum(collected_minor) as collected, sum(spend_minor) as spend
       from attribution.attribution_by_campaign where ${where} group by all order by date, model`,
      params as never,
    )
  ).getRowObjectsJS();
  const ltv = (
    await db.runAndReadAll('select * from attribution.ltv_by_source where environment = ?::VARCHAR order by lifetime_revenue_minor desc, source, medium, campaign', [q.environment])
  ).getRowObjectsJS();
  const checks = (
    await db.runAndReadAll('select model, kind, conversions, credited, balanced from attribution.credit_check where environment = ?::VARCHAR order by model, kind', [q.environment])
  ).getRowObjectsJS();
  return {
    environment: q.environment,
    timezone: String(settings.timezone),
    currency: String(settings.reporting_currency),
    from: q.from,
    to: q.to,
    by: q.by,
    models: q.models,
    rows: rows.map((r) => {
      const spend = numOrNull(r.spend);
      const leads = num(r.leads);
      const customers = num(r.customers);
      const collected = num(r.collected);
      return {
        model: String(r.model),
        group: String(r.grp),
        leads,
        customers,
        invoicedMinor: num(r.invoiced),
        collectedMinor: collected,
        spendMinor: spend,
        costPerLeadMinor: spend && leads > 0 ? spend / leads : null,
        costPerAcquisitionMinor: spend && customers > 0 ? spend / customers : null,
        roas: spend ? collected / spend : null,
      };
    }),
    overTime: overTime.map((r) => ({ date: String(r.date), model: String(r.model), invoicedMinor: num(r.invoiced), collectedMinor: num(r.collected), spendMinor: numOrNull(r.spend) })),
    ltvBySource: ltv.map((r) => ({
      source: String(r.source),
      medium: String(r.medium),
      campaign: String(r.campaign),
      customers: num(r.customers),
      revenue30dMinor: num(r.revenue_30d_minor),
      revenue90dMinor: num(r.revenue_90d_minor),
      revenue365dMinor: num(r.revenue_365d_minor),
      lifetimeRevenueMinor: num(r.lifetime_revenue_minor),
      averageLtvMinor: num(r.average_ltv_minor),
    })),
    checks: checks.filter((c) => q.models.includes(String(c.model))).map((c) => ({ model: String(c.model), kind: String(c.kind), conversions: num(c.conversions), credited: num(c.credited), balanced: Boolean(c.balanced) })),
  };
}

/** Credits by the touch's source or medium: spend belongs to platforms and campaigns, so these groups carry none. */
async function bySourceOrMedium(db: DuckDBConnection, q: ReportQuery, params: unknown[]): Promise<Record<string, unknown>[]> {
  const column = q.by === 'source' ? 'source' : 'medium';
  const reader = await db.runAndReadAll(
    `select model, ${column} as grp,
            sum(credit) filter (where kind = 'lead') as leads, sum(credit) filter (where kind = 'customer') as customers,
            sum(invoiced_minor) filter (where kind = 'order') as invoiced, sum(collected_minor) filter (where kind = 'order') as collected,
            null as spend
     from attribution.attribution_credits
     where environment = ?::VARCHAR and model in (select unnest(?::VARCHAR[]))
       and (?::DATE is null or timezone((select timezone from config.settings), converted_at)::date >= ?::DATE)
       and (?::DATE is null or timezone((select timezone from config.settings), converted_at)::date <= ?::DATE)
     group by all order by model, collected desc nulls last, grp`,
    params as never,
  );
  return reader.getRowObjectsJS();
}
