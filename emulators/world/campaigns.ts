import { DAY_MS, isoAt } from './time.js';
import type { Campaign } from './types.js';

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
