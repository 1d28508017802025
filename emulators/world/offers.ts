import { DAY_MS, isoAt } from './time.js';
import type { Offer } from './types.js';

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
