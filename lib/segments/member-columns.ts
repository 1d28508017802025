import { currencyFactorSql } from './catalog';

// The columns of a segment's member lists, as SQL over `core.customers AS c` joined with
// `marts.customer_metrics AS m`. Pure text, so the web API's schemas can name the sortable ones.

/** A member list's `amount_spent`, over `marts.customer_metrics AS m`. */
export const AMOUNT_SPENT = `round(m.amount_spent_minor / ${currencyFactorSql('m.currency')}, 2)`;

/** The columns a segment owner expects in a member list. */
export const MEMBER_COLUMNS = `c.customer_id,
  trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.email, c.zip,
  ${AMOUNT_SPENT} as amount_spent,
  round(m.discount_received_minor / ${currencyFactorSql('m.currency')}, 2) as discount_received,
  m.currency, m.promo_codes_used, m.negative_feedbacks, m.returned_items, m.last_order_at,
  m.loyalty_tier, m.loyalty_points_active`;

/** Everything cdp knows of a person, for the extended export. */
export const EXTENDED_COLUMNS = `c.customer_id, c.environment, c.email, c.first_name, c.last_name,
  trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.phone, c.zip, c.city, c.country,
  c.sources, c.source_count, c.in_crm, c.first_seen_at, m.is_customer, m.orders_count, m.discounted_orders, m.undiscounted_orders, m.currency,
  round(m.amount_spent_minor / ${currencyFactorSql('m.currency')}, 2) as amount_spent,
  round(m.net_revenue_minor / ${currencyFactorSql('m.currency')}, 2) as net_revenue,
  round(m.discount_received_minor / ${currencyFactorSql('m.currency')}, 2) as discount_received,
  round(m.refunded_amount_minor / ${currencyFactorSql('m.currency')}, 2) as refunded_amount,
  m.unconverted_currencies, m.promo_codes_used, m.negative_feedbacks, m.returned_items, m.first_order_at, m.last_order_at,
  m.active_subscriptions, m.cancelled_subscriptions, m.abandoned_checkouts, m.promotion_orders,
  round(m.promotion_accrued_discounts_minor / ${currencyFactorSql('m.currency')}, 2) as promotion_accrued_discounts,
  m.loyalty_points_active, m.loyalty_points_pending, m.loyalty_points_expiring_30d, m.loyalty_tier, m.last_activity_at`;

/** Columns a member list can be sorted by; anything else is refused, never spliced into SQL. */
export const MEMBER_SORT_COLUMNS = ['name', 'email', 'zip', 'amount_spent', 'discount_received', 'promo_codes_used', 'negative_feedbacks', 'returned_items', 'last_order_at', 'loyalty_tier', 'loyalty_points_active', 'member_since'] as const;
export type MemberSortColumn = (typeof MEMBER_SORT_COLUMNS)[number];
