import { belowLimit, type PaginationSpec, type SourceSpec, type StreamSpec } from '../spec';
import {
  achievementProgressSchema,
  achievementSchema,
  applicationSchema,
  attributeSchema,
  campaignSchema,
  couponSchema,
  customerSchema,
  loyaltyBalanceSchema,
  loyaltyCardSchema,
  loyaltyProgramSchema,
  loyaltyTransactionSchema,
  referralSchema,
  sessionSchema,
} from './schemas';

/** One request answers the whole list (loyalty programs) or the one record (a balance). */
const UNPAGED: PaginationSpec = { type: 'none' };
/** Achievement lists answer at most 50 a page. */
const ACHIEVEMENT_PAGING: PaginationSpec = { type: 'offset', limitParam: 'pageSize', offsetParam: 'skip', pageSize: 50, hasMorePath: 'hasMore' };

/** A campaign's codes, read whole each sync: their usage counters change long after they are created. */
const perCampaign = (name: string, what: 'coupons' | 'referrals', schema: StreamSpec['schema']): StreamSpec => ({
  name,
  path: `/v1/applications/{applicationId}/campaigns/{campaignId}/${what}/no_total`,
  recordsPath: 'data',
  primaryKey: 'id',
  cursorField: 'created',
  parent: { stream: 'campaigns', pathFields: { campaignId: 'id' } },
  schema,
});

interface TalonError {
  message?: string;
  StatusCode?: number;
  errors?: { title?: string; details?: string; source?: { parameter?: string; pointer?: string } }[];
}

/**
 * Talon.One's Management API (https://docs.talon.one/management-api). The connection's base URL is
 * the deployment (`https://<deployment>.talon.one`) and `path_params.applicationId` names the one
 * Application it reads. Its loyalty programs are those the Application subscribes to; the ledger
 * entries of each are read by creation window, and the balance of every profile with an entry in the
 * window after them. Customer profiles, campaigns, coupons and referrals have no date filter that
 * follows their changes and are read whole on every sync, and so are custom attributes, achievements
 * and loyalty cards; a profile's achievement progress is read when it has a session in the window.
 */
export const talononeSource: SourceSpec = {
  name: 'talonone',
  auth: { type: 'header', name: 'Authorization', prefix: 'ManagementKey-v1 ' },
  // `pageSize`/`skip`; lists answer `hasMore`, campaigns only `totalResultSize`, so both are declared.
  pagination: { type: 'offset', limitParam: 'pageSize', offsetParam: 'skip', pageSize: 1000, hasMorePath: 'hasMore', totalPath: 'totalResultSize' },
  // https://docs.talon.one/docs/dev/management-api/overview: three requests a second per Management
  // API endpoint, shared with the Campaign Manager, which runs on the same API. The connection as a
  // whole stays below one endpoint's limit. (cdp reads no Integration API endpoint.)
  requestsPerSecond: { live: belowLimit(3, 'shared'), sandbox: belowLimit(3, 'shared') },
  // Sessions are read by creation time but change state later (closed, cancelled, partially
  // returned): three days of overlap re-read the recent ones. Ledger entries never change.
  lookbackSeconds: 3 * 86_400,
  // Customer profiles and loyalty programs say which kind of Application they belong to.
  environmentField: { field: 'sandbox', liveValue: false },
  environmentCheck: {
    path: '/v1/applications/{applicationId}',
    field: 'sandbox',
    sandboxValue: true,
    subject: 'Talon.One application {applicationId}',
    kind: 'application',
  },
  describeError(body) {
    const b = body as TalonError | undefined;
    const details = (b?.errors ?? []).map((e) => {
      const where = e.source?.parameter ? ` (parameter ${e.source.parameter})` : e.source?.pointer ? ` (at ${e.source.pointer})` : '';
      return `${[e.title, e.details].filter(Boolean).join(': ')}${where}`;
    });
    const line = [b?.message, ...details].filter(Boolean).join('; ');
    return line || 'no error body';
  },
  // The API's documented "Too many requests or limit reached - avoid parallel requests" answer is
  // HTTP 409; HTTP 429 (with any Retry-After) is handled for every source.
  isRateLimited: (status) => status === 409,
  // Limits count per endpoint per second and the over-limit answer names no wait: the next second.
  rateLimitWindowMs: 1000,
  streams: [
    {
      // No date filter; `withTotalResultSize=false` skips the count and answers `hasMore`.
      name: 'customers',
      path: '/v1/applications/{applicationId}/customers',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'lastActivity',
      params: { withTotalResultSize: 'false' },
      schema: customerSchema,
    },
    {
      // `createdAfter` reads as strictly after; `createdBefore` pins the window's end while paging.
      name: 'sessions',
      path: '/v1/applications/{applicationId}/sessions',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      window: { fromParam: 'createdAfter', toParam: 'createdBefore', format: 'iso_datetime', fromIsExclusive: true },
      schema: sessionSchema,
    },
    {
      // The account's programs, kept to those the connection's Application subscribes to.
      name: 'loyalty_programs',
      path: '/v1/loyalty_programs',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      pagination: UNPAGED,
      keepWhere: { field: 'subscribedApplications', value: '{applicationId}' },
      schema: loyaltyProgramSchema,
    },
    {
      // Manual, session and imported entries. Without a date filter the API answers only the last
      // 50, so a window from the beginning asks from the epoch.
      name: 'loyalty_transactions',
      path: '/v1/loyalty_programs/{loyaltyProgramId}/transactions',
      recordsPath: 'data',
      primaryKey: 'programId+id',
      cursorField: 'created',
      parent: { stream: 'loyalty_programs', pathFields: { loyaltyProgramId: 'id' } },
      window: { fromParam: 'startDate', toParam: 'endDate', format: 'iso_datetime', fromRequired: true },
      schema: loyaltyTransactionSchema,
    },
    {
      // The current balances (main ledger and subledgers, with tiers) of each profile that has a
      // ledger entry in the window: the balances that may have moved. Entries of loyalty cards
      // without a profile have none to read.
      name: 'loyalty_balances',
      path: '/v1/loyalty_programs/{loyaltyProgramId}/profile/{integrationId}/ledger_balances',
      recordsPath: '',
      singleRecord: true,
      primaryKey: 'cdp_parent.loyaltyProgramId+cdp_parent.integrationId',
      cursorField: 'cdp_parent.integrationId',
      params: { includeTiers: 'true' },
      pagination: UNPAGED,
      parent: { stream: 'loyalty_transactions', pathFields: { loyaltyProgramId: 'programId', integrationId: 'customerProfileId' }, recordField: 'cdp_parent' },
      schema: loyaltyBalanceSchema,
    },
    {
      // Few, and changing (state, budgets): read whole each sync.
      name: 'campaigns',
      path: '/v1/applications/{applicationId}/campaigns',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      schema: campaignSchema,
    },
    perCampaign('coupons', 'coupons', couponSchema),
    perCampaign('referrals', 'referrals', referralSchema),
    {
      // The connection's Application: its time zone bounds the periods per-profile budgets count in.
      name: 'applications',
      path: '/v1/applications/{applicationId}',
      recordsPath: '',
      singleRecord: true,
      primaryKey: 'id',
      cursorField: 'modified',
      pagination: UNPAGED,
      schema: applicationSchema,
    },
    {
      // The customer-profile attributes the account defines, kept to those the Application is subscribed to.
      name: 'attributes',
      path: '/v1/attributes',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      params: { entity: 'CustomerProfile' },
      keepWhere: { field: 'subscribedApplicationsIds', value: '{applicationId}' },
      schema: attributeSchema,
    },
    {
      // Each campaign's achievements; the list takes at most 50 a page.
      name: 'achievements',
      path: '/v1/applications/{applicationId}/campaigns/{campaignId}/achievements',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      pagination: { ...ACHIEVEMENT_PAGING },
      parent: { stream: 'campaigns', pathFields: { campaignId: 'id' } },
      schema: achievementSchema,
    },
    {
      // The progress of each profile with a session in the window: sessions are what moves it, and
      // one request per profile of the Application on every sync would take minutes at 2.5 a second.
      // The answer does not name the profile: the pager adds it as `cdp_parent`.
      name: 'achievement_progress',
      path: '/v1/applications/{applicationId}/achievement_progress/{integrationId}',
      recordsPath: 'data',
      primaryKey: 'cdp_parent.integrationId+achievementId',
      cursorField: 'cdp_parent.integrationId',
      pagination: { ...ACHIEVEMENT_PAGING },
      parent: { stream: 'sessions', pathFields: { integrationId: 'profileintegrationid' }, recordField: 'cdp_parent' },
      schema: achievementProgressSchema,
    },
    {
      // The cards of each program, with each card's ledger; a program without cards answers none.
      name: 'loyalty_cards',
      path: '/v1/loyalty_programs/{loyaltyProgramId}/cards',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'created',
      parent: { stream: 'loyalty_programs', pathFields: { loyaltyProgramId: 'id' } },
      schema: loyaltyCardSchema,
    },
  ],
};
