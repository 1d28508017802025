import type { ConnectionConfig } from '../../../lib/config-schema';
import type { SourceSpec, StreamSpec } from '../spec';
import { facebookInsightsJobs, FB_ASYNC_JOB } from './insights-jobs';
import { adAccountSchema, adInsightSchema, adsetInsightSchema, campaignSchema, insightSchema } from './schemas';

/** Graph API error codes that mean "throttled": app, user, page, custom and business-use-case limits. */
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
const isBusinessUseCaseThrottle = (code: number) => code >= 80_000 && code < 80_100;

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

const graphError = (body: unknown): GraphError | undefined => (body as { error?: GraphError } | undefined)?.error;

/** The longest wait any entry of a usage header asks for, in milliseconds. */
function usageWaitMs(headers: Headers): number | undefined {
  const waits: number[] = [];
  const parse = (name: string): unknown => {
    const raw = headers.get(name);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  };
  // {"<business id>": [{ "type": "ads_insights", "estimated_time_to_regain_access": <minutes>, ... }]}
  const business = parse('x-business-use-case-usage');
  if (business && typeof business === 'object') {
    for (const entries of Object.values(business as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const minutes = Number((entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access);
        if (Number.isFinite(minutes) && minutes > 0) waits.push(minutes * 60_000);
      }
    }
  }
  // {"acc_id_util_pct": 100, "reset_time_duration": <seconds>, ...}
  const account = parse('x-ad-account-usage') as { acc_id_util_pct?: number; reset_time_duration?: number } | undefined;
  if (account && Number(account.acc_id_util_pct) >= 100 && Number(account.reset_time_duration) > 0) waits.push(Number(account.reset_time_duration) * 1000);
  if (waits.length > 0) return Math.max(...waits);
  // The app's hourly budget (X-App-Usage, code 4) and the insights throttle (X-FB-Ads-Insights-Throttle)
  // say how much is used, never when it frees up: a full one means the rest of the throttle window.
  const app = parse('x-app-usage') as { call_count?: number; total_cputime?: number; total_time?: number } | undefined;
  const insights = parse('x-fb-ads-insights-throttle') as { app_id_util_pct?: number; acc_id_util_pct?: number } | undefined;
  const full = [app?.call_count, app?.total_cputime, app?.total_time, insights?.app_id_util_pct, insights?.acc_id_util_pct].some((pct) => Number(pct) >= 100);
  return full ? THROTTLE_WINDOW_MS : undefined;
}

/**
 * How long a throttled ad account stays blocked when no header says: Limited (standard) access blocks
 * for 60 seconds once its score is spent (Marketing API rate limiting, "Ad Account Level API-Level Limits").
 */
const THROTTLE_WINDOW_MS = 60_000;

/** Fields read at each level: the campaign's everywhere, and the ad set's and ad's below it. */
const INSIGHT_FIELDS = 'account_id,account_currency,campaign_id,campaign_name,date_start,date_stop,spend,impressions,clicks,reach,actions,action_values';
type InsightsLevel = NonNullable<ConnectionConfig['insights_levels']>[number];

/** Whether a connection reads insights at `level`: campaign unless `insights_levels` says otherwise. */
const readsLevel = (level: InsightsLevel) => (connection: ConnectionConfig) => (connection.insights_levels ?? ['campaign']).includes(level);

/**
 * One insights stream a level: one row per object (campaign, ad set or ad) per account day. Keys are
 * composite because insights rows have no id. Large windows are read as asynchronous report runs.
 */
function insightsStream(level: InsightsLevel): StreamSpec {
  const below = { campaign: '', adset: ',adset_id,adset_name', ad: ',adset_id,adset_name,ad_id,ad_name' }[level];
  return {
    name: level === 'campaign' ? 'insights' : `${level}_insights`,
    path: '/insights',
    recordsPath: 'data',
    primaryKey: `${level === 'campaign' ? 'campaign_id' : `${level}_id`}+date_start`,
    cursorField: 'date_start',
    params: { level, time_increment: '1', fields: INSIGHT_FIELDS + below },
    // Meta keeps insights for 37 months of the account's calendar (error 3018 past that).
    window: { fromParam: 'time_range', format: 'graph_time_range', maxHistoryMonths: 37 },
    report: FB_ASYNC_JOB,
    schema: { campaign: insightSchema, adset: adsetInsightSchema, ad: adInsightSchema }[level],
    readWhen: readsLevel(level),
  };
}

/**
 * Meta Marketing API (Graph API). The connection's base URL holds the version and the ad account:
 * `https://graph.facebook.com/v19.0/act_<AD_ACCOUNT_ID>`. The access token travels as a query
 * parameter, which the HTTP client never prints (its messages carry only origin and path).
 */
export const facebookAdsSource: SourceSpec = {
  name: 'facebook_ads',
  auth: { type: 'query', name: 'access_token' },
  pagination: { type: 'next_cursor', pageSizeParam: 'limit', pageSize: 500, cursorParam: 'after', cursorPath: 'paging.cursors.after', nextPath: 'paging.next' },
  // No request rate is documented: https://developers.facebook.com/docs/marketing-api/overview/rate-limiting
  // gives each app a score per ad account (a read costs 1 point: 60 points per 300 s with Limited
  // access, 0.2 a second; 9000 with Full access, 30 a second), and insights are costed by the CPU
  // time they take on top. Usage headers report percentages used, not a limit. One request a second
  // is far below Full access and above Limited access, whose connections set `requests_per_second`
  // to 0.18; a throttled answer holds the connection for the wait the headers name.
  requestsPerSecond: { live: 1, sandbox: 1 },
  // Meta restates the last days of delivery (late impressions, spend corrections): each sync
  // re-reads three days. Attributed conversions can move for up to 28 days; a connection that
  // models them sets `lookback_seconds` higher.
  lookbackSeconds: 3 * 86_400,
  describeError(body) {
    const e = graphError(body);
    if (!e) return 'no error body';
    const code = e.code === undefined ? '' : ` (code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''})`;
    return `${e.type ?? 'GraphError'}${code}: ${e.message ?? ''}${e.fbtrace_id ? ` [fbtrace_id ${e.fbtrace_id}]` : ''}`;
  },
  // Throttling comes back as HTTP 400 (sometimes 403) with a throttle code, not as 429.
  isAuthError(_status, body) {
    // 190: invalid or expired access token; 102: session; 104: no token; 200-299: permissions.
    const code = graphError(body)?.code;
    return code === 190 || code === 102 || code === 104 || (code !== undefined && code >= 200 && code <= 299);
  },
  isRateLimited(_status, body) {
    const code = graphError(body)?.code;
    return code !== undefined && (THROTTLE_CODES.has(code) || isBusinessUseCaseThrottle(code));
  },
  retryAfterMs: usageWaitMs,
  rateLimitWindowMs: THROTTLE_WINDOW_MS,
  // The ad account's time zone decides which days a window reads; its currency is checked against the connection's.
  accountFacts: { path: '', params: { fields: 'timezone_name,currency' }, timeZoneField: 'timezone_name', currencyField: 'currency', subject: 'ad account' },
  reportApi: facebookInsightsJobs,
  streams: [
    insightsStream('campaign'),
    insightsStream('adset'),
    insightsStream('ad'),
    {
      // The ad account node itself: its time zone and currency, for the models.
      name: 'ad_account',
      path: '',
      recordsPath: '',
      singleRecord: true,
      primaryKey: 'id',
      cursorField: 'id',
      params: { fields: 'id,account_id,name,currency,timezone_name,timezone_offset_hours_utc,account_status' },
      pagination: { type: 'none' },
      schema: adAccountSchema,
    },
    {
      // Campaign settings are few and have no date filter: read whole each sync. Without an
      // `effective_status` filter the edge leaves archived and deleted campaigns out, and their
      // spend still shows in insights.
      name: 'campaigns',
      path: '/campaigns',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'updated_time',
      params: {
        fields: 'id,name,objective,status,effective_status,buying_type,daily_budget,lifetime_budget,start_time,stop_time,created_time,updated_time',
        effective_status: JSON.stringify(['ACTIVE', 'PAUSED', 'DELETED', 'ARCHIVED', 'IN_PROCESS', 'WITH_ISSUES']),
      },
      schema: campaignSchema,
    },
  ],
};
