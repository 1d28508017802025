import { describe, expect, it } from 'vitest';
import { readPath } from '../../../activities/sources/read-path';
import type { StreamSpec } from '../../../activities/sources/spec';
import { talononeSource } from '../../../activities/sources/talonone/spec';
import { SAMPLE_ANSWERS } from './sample-answers';

// Sample answers written after the Management API reference's examples and models, one per stream
// (test/sources/talonone/sample-answers.ts names each operation's page):
//   customers             https://docs.talon.one/management-api#tag/Customer-data/operation/getApplicationCustomers
//   sessions              https://docs.talon.one/management-api#tag/Customer-data/operation/getApplicationSessions
//   loyalty_programs      https://docs.talon.one/management-api#tag/Loyalty/operation/getLoyaltyPrograms
//   loyalty_transactions  https://docs.talon.one/management-api#tag/Loyalty/operation/getLoyaltyProgramTransactions
//   loyalty_balances      https://docs.talon.one/management-api#operation/getLoyaltyLedgerBalances
//   campaigns             https://docs.talon.one/management-api#operation/getCampaigns
//   coupons               https://docs.talon.one/management-api#tag/Coupons/operation/getCouponsWithoutTotalCount
//   referrals             https://docs.talon.one/management-api#operation/getReferralsWithoutTotalCount
//   applications          https://docs.talon.one/management-api#operation/getApplication
//   attributes            https://docs.talon.one/management-api#tag/Attributes/operation/getAttributes
//   achievements          https://docs.talon.one/management-api#tag/Achievements/operation/listAchievements
//   achievement_progress  https://docs.talon.one/management-api#tag/Achievements/operation/getCustomerProfileAchievementProgress
//   loyalty_cards         https://docs.talon.one/management-api#tag/Loyalty-cards/operation/getLoyaltyCards
const stream = (name: string) => talononeSource.streams.find((s) => s.name === name)!;

/** The records of a stream's documented answer, as the pager hands them over. */
function documented(s: StreamSpec): Record<string, unknown>[] {
  const found = readPath(SAMPLE_ANSWERS[s.name], s.recordsPath);
  const records = (s.singleRecord ? [found] : found) as Record<string, unknown>[];
  // A ledger balance (or a profile's achievement progress) does not name what it was asked for: the pager adds it from the request path.
  if (s.parent?.recordField === undefined) return records;
  const asked = Object.fromEntries(Object.keys(s.parent.pathFields ?? {}).map((k) => [k, k === 'loyaltyProgramId' ? '139' : 'cust-1001']));
  return records.map((r) => ({ ...r, [s.parent!.recordField!]: asked }));
}
const first = (name: string) => documented(stream(name))[0]!;

/** The paths of the issues a record raises, joined with dots ("" for none). */
function issuePaths(name: string, record: Record<string, unknown>): string[] {
  const result = stream(name).schema.safeParse(record);
  return result.success ? [] : result.error.issues.map((i) => i.path.map(String).join('.'));
}

describe('Talon.One stream schemas', () => {
  for (const s of talononeSource.streams) {
    it(`accept the documented ${s.name} answer and keep every field`, () => {
      const records = documented(s);
      expect(records.length, `records of ${s.name}`).toBeGreaterThan(0);
      for (const record of records) {
        const result = s.schema.safeParse(record);
        expect(result.success ? 'ok' : result.error.issues).toBe('ok');
        expect(result.data).toEqual(record);
      }
    });
  }

  it('accept optional fields sent as null', () => {
    expect(issuePaths('customers', { ...first('customers'), advocateIntegrationId: null, audienceMemberships: null, loyaltyMemberships: null })).toEqual([]);
    expect(issuePaths('coupons', { ...first('coupons'), expiryDate: null, recipientIntegrationId: null })).toEqual([]);
  });

  it('reject a session whose creation time is not RFC 3339', () => {
    expect(issuePaths('sessions', { ...first('sessions'), created: '2020-02-07 08:15:22' })).toEqual(['created']);
  });

  it('reject a customer without an integration id', () => {
    const { integrationId: _i, ...customer } = first('customers');
    expect(issuePaths('customers', customer)).toEqual(['integrationId']);
  });

  it('reject a ledger entry of an unknown type, since the type gives the amount its sign', () => {
    expect(issuePaths('loyalty_transactions', { ...first('loyalty_transactions'), type: 'expiry' })).toEqual(['type']);
  });

  it('reject a ledger entry whose amount is a string', () => {
    expect(issuePaths('loyalty_transactions', { ...first('loyalty_transactions'), amount: '10.25' })).toEqual(['amount']);
  });

  it('reject a loyalty program whose subscribed applications are not ids', () => {
    expect(issuePaths('loyalty_programs', { ...first('loyalty_programs'), subscribedApplications: ['132'] })).toEqual(['subscribedApplications.0']);
  });

  it('reject a balance whose program is not an id, or whose points are strings', () => {
    const balance = first('loyalty_balances');
    expect(issuePaths('loyalty_balances', { ...balance, cdp_parent: { loyaltyProgramId: 'gold', integrationId: 'x' } })).toEqual(['cdp_parent.loyaltyProgramId']);
    expect(issuePaths('loyalty_balances', { ...balance, balance: { activePoints: '286' } })).toEqual(['balance.activePoints']);
  });

  it('reject a campaign whose start time is not a time', () => {
    expect(issuePaths('campaigns', { ...first('campaigns'), startTime: 'next monday' })).toEqual(['startTime']);
  });

  it('reject a coupon with a negative usage counter', () => {
    expect(issuePaths('coupons', { ...first('coupons'), usageCounter: -1 })).toEqual(['usageCounter']);
  });

  it('reject a referral without its advocate', () => {
    const { advocateProfileIntegrationId: _a, ...referral } = first('referrals');
    expect(issuePaths('referrals', referral)).toEqual(['advocateProfileIntegrationId']);
  });
});

describe('Talon.One answers', () => {
  it('read the error envelope into one line', () => {
    // ErrorResponseWithStatus: { message, errors: [APIError { title, details, source }], StatusCode }.
    expect(
      talononeSource.describeError({
        message: 'Invalid request',
        StatusCode: 400,
        errors: [{ title: 'Invalid parameter', details: 'pageSize must be at most 1000', source: { parameter: 'pageSize' } }],
      }),
    ).toBe('Invalid request; Invalid parameter: pageSize must be at most 1000 (parameter pageSize)');
    expect(talononeSource.describeError(undefined)).toBe('no error body');
  });

  it('treat the documented "too many requests" answer (HTTP 409) as a rate limit, and nothing else', () => {
    expect(talononeSource.isRateLimited!(409, {})).toBe(true);
    expect(talononeSource.isRateLimited!(400, {})).toBe(false);
  });
});
