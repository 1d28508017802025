import { DAY_MS, isoAt } from './time.js';
import type { Campaign, Offer } from './types.js';

/** Discount offers and their promotion codes, dated relative to the anchor. */
export function buildOffers(anchorMs: number): Offer[] {
  const at = (daysBefore: number): string => isoAt(anchorMs - daysBefore * DAY_MS);
  const code = (c: string, active = true, expiresDaysBefore: number | null = null, firstTime = false) => ({
    code: c,
    active,
    expires_at: expiresDaysBefore === null ? null : at(expiresDaysBefore),
    first_time_transaction: firstTime,
  });
  return [
    { offer_key: 'welcome20', name: 'Welcome 20% off', percent_off: 20, amount_off_minor: null, currency: null, duration: 'once', duration_in_months: null, created_at: at(880), redeem_by: null, codes: [code('WELCOME20', true, null, true)] },
    { offer_key: 'loyal15', name: 'Loyalty 15% off', percent_off: 15, amount_off_minor: null, currency: null, duration: 'forever', duration_in_months: null, created_at: at(820), redeem_by: null, codes: [code('LOYAL15')] },
    { offer_key: 'halfoff3', name: '50% off for 3 months', percent_off: 50, amount_off_minor: null, currency: null, duration: 'repeating', duration_in_months: 3, created_at: at(760), redeem_by: null, codes: [code('HALFOFF3'), code('PODCAST50')] },
    { offer_key: 'blackfriday', name: 'Black Friday 30% off', percent_off: 30, amount_off_minor: null, currency: null, duration: 'repeating', duration_in_months: 12, created_at: at(380), redeem_by: at(330), codes: [code('BLACKFRIDAY30', false, 330)] },
    { offer_key: 'save5_usd', name: '$5 off', percent_off: null, amount_off_minor: 500, currency: 'usd', duration: 'repeating', duration_in_months: 6, created_at: at(700), redeem_by: null, codes: [code('SAVE5')] },
    { offer_key: 'save5_eur', name: '€5 off', percent_off: null, amount_off_minor: 500, currency: 'eur', duration: 'once', duration_in_months: null, created_at: at(690), redeem_by: null, codes: [code('SPAREN5')] },
    { offer_key: 'save4_gbp', name: '£4 off', percent_off: null, amount_off_minor: 400, currency: 'gbp', duration: 'once', duration_in_months: null, created_at: at(690), redeem_by: null, codes: [code('SAVE4UK')] },
    { offer_key: 'partner10', name: 'Partner 10% off', percent_off: 10, amount_off_minor: null, currency: null, duration: 'forever', duration_in_months: null, created_at: at(600), redeem_by: null, codes: [] },
  ];
}

/** Marketing campaigns that drove traffic; ad platforms and UTM-tagged payments refer to the same keys. */
export function buildCampaigns(anchorMs: number): Campaign[] {
  const window = (startDaysBefore: number, lengthDays: number) => ({
    starts_at: isoAt(anchorMs - startDaysBefore * DAY_MS),
    ends_at: isoAt(anchorMs - (startDaysBefore - lengthDays) * DAY_MS),
  });
  return [
    { campaign_key: 'google_brand', utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand_search', ...window(730, 730) },
    { campaign_key: 'google_sql_course', utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'sql_course_launch', ...window(700, 90) },
    { campaign_key: 'facebook_prospecting', utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: 'prospecting_lookalike', ...window(600, 400) },
    { campaign_key: 'instagram_hoodie', utm_source: 'instagram', utm_medium: 'paid_social', utm_campaign: 'hoodie_drop', ...window(420, 60) },
    { campaign_key: 'newsletter_weekly', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'weekly_digest', ...window(730, 730) },
    { campaign_key: 'black_friday', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'black_friday', ...window(345, 14) },
    { campaign_key: 'tiktok_analytics', utm_source: 'tiktok', utm_medium: 'paid_social', utm_campaign: 'analytics_foundations', ...window(300, 120) },
    { campaign_key: 'partner_podcast', utm_source: 'podcast', utm_medium: 'referral', utm_campaign: 'data_talks_sponsorship', ...window(250, 250) },
  ];
}
