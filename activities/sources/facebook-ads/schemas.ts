import { z } from 'zod';

// Graph API numbers arrive as strings: ids ("23843..."), counts ("361324") and money ("5339.5",
// a decimal in the ad account's currency, not minor units). Insights dates are calendar days in
// the ad account's time zone. Schemas check what cdp's models read and let the rest through;
// statuses and objectives are plain strings because Meta renames them between API versions.

/** A Graph object id; the reference examples write placeholders such as `<CAMPAIGN_ID>`. */
const graphId = z.string().min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string');
const integer = z.string().regex(/^\d+$/, 'an integer string');

export const insightSchema = z.looseObject({
  campaign_id: graphId,
  account_id: graphId.optional(),
  date_start: day,
  date_stop: day,
  spend: decimal,
  impressions: integer,
  clicks: integer.optional(),
  account_currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code').optional(),
  actions: z.array(z.looseObject({ action_type: z.string(), value: decimal })).optional(),
  action_values: z.array(z.looseObject({ action_type: z.string(), value: decimal })).optional(),
});

export const campaignSchema = z.looseObject({
  id: graphId,
  name: z.string(),
  status: z.string(),
  effective_status: z.string().optional(),
  objective: z.string().optional(),
  created_time: z.string().optional(),
  updated_time: z.string().optional(),
  /** Budgets are integer minor units as strings, when the campaign has one. */
  daily_budget: integer.optional(),
  lifetime_budget: integer.optional(),
});

/** An insights row by ad set: its campaign's fields plus the ad set's id. */
export const adsetInsightSchema = insightSchema.extend({ adset_id: graphId, adset_name: z.string().optional() });

/** An insights row by ad: its ad set's fields plus the ad's id. */
export const adInsightSchema = adsetInsightSchema.extend({ ad_id: graphId, ad_name: z.string().optional() });

/** The ad account node: its time zone (an IANA name, in which insights days fall) and its currency. */
export const adAccountSchema = z.looseObject({
  id: z.string().startsWith('act_', 'an ad account id such as act_1234'),
  account_id: graphId.optional(),
  name: z.string().optional(),
  timezone_name: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
});
