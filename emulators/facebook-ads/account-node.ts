import { offsetMinutesAt } from '../http/zoned-time.js';
import type { AdsData } from './ads-data.js';
import { invalidParameter } from './graph-errors.js';

/** Fields of the AdAccount node (https://developers.facebook.com/docs/marketing-api/reference/ad-account) the emulator knows. */
const ACCOUNT_FIELDS = new Set([
  'id', 'account_id', 'name', 'currency', 'timezone_name', 'timezone_offset_hours_utc', 'account_status', 'disable_reason',
  // Valid but unset on the emulated account: omitted from answers.
  'business', 'spend_cap', 'amount_spent', 'balance', 'min_daily_budget', 'owner', 'timezone_id', 'business_country_code',
  'capabilities', 'funding_source', 'is_personal', 'age', 'created_time',
]);

/**
 * The ad account node for `GET /act_<id>?fields=...`: without `fields` the Graph API answers `account_id`
 * and `id`. The UTC offset is the one in force at the account's "now" (the anchor).
 */
export function accountNode(data: AdsData, rawFields: string | undefined): Record<string, unknown> {
  const fields = rawFields === undefined || rawFields.trim() === '' ? ['account_id'] : rawFields.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) if (!ACCOUNT_FIELDS.has(f)) throw invalidParameter(`Tried accessing nonexisting field (${f}) on node type (AdAccount)`);
  const values: Record<string, unknown> = {
    account_id: data.accountId,
    name: data.accountName,
    currency: data.currency,
    timezone_name: data.timeZone,
    timezone_offset_hours_utc: offsetMinutesAt(Date.parse(data.anchor), data.timeZone) / 60,
    account_status: 1,
    disable_reason: 0,
  };
  const out: Record<string, unknown> = {};
  for (const f of fields.filter((f) => f !== 'id')) if (values[f] !== undefined) out[f] = values[f];
  out.id = `act_${data.accountId}`;
  return out;
}
