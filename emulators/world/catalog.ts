import { DAY_MS, isoAt } from './time.js';
import type { CatalogPrice, CatalogProduct, CurrencyCode } from './types.js';

type PriceTable = Record<CurrencyCode, number>;

interface ProductSpec {
  product_key: string;
  name: string;
  description: string;
  kind: CatalogProduct['kind'];
  active: boolean;
  days_before_anchor: number;
  one_time?: PriceTable;
  monthly?: PriceTable;
  yearly?: PriceTable;
}

// Prices are set per currency (not converted) because that is how shops price abroad.
const PRODUCT_SPECS: readonly ProductSpec[] = [
  { product_key: 'course_sql', name: 'SQL for Marketers', description: 'Self-paced video course: querying customer data with SQL.', kind: 'course', active: true, days_before_anchor: 900, one_time: { usd: 14900, eur: 13900, gbp: 11900 } },
  { product_key: 'course_analytics', name: 'Analytics Foundations', description: 'Eight-week cohort course on product and marketing analytics.', kind: 'course', active: true, days_before_anchor: 880, one_time: { usd: 9900, eur: 8900, gbp: 7900 } },
  { product_key: 'program_growth', name: 'Growth Mentorship Program', description: 'Twelve weeks of one-to-one mentoring with a growth lead.', kind: 'program', active: true, days_before_anchor: 860, one_time: { usd: 49900, eur: 45900, gbp: 39900 } },
  { product_key: 'item_notebook', name: 'Field Notebook Set', description: 'Three dotted-grid notebooks for experiment logs.', kind: 'physical', active: true, days_before_anchor: 850, one_time: { usd: 2900, eur: 2700, gbp: 2300 } },
  { product_key: 'item_hoodie', name: 'Data Nerd Hoodie', description: 'Heavyweight cotton hoodie.', kind: 'physical', active: true, days_before_anchor: 700, one_time: { usd: 5900, eur: 5500, gbp: 4700 } },
  { product_key: 'membership_pro', name: 'Pro Membership', description: 'All courses, monthly live sessions and the community.', kind: 'membership', active: true, days_before_anchor: 890, monthly: { usd: 2900, eur: 2700, gbp: 2400 }, yearly: { usd: 29000, eur: 27000, gbp: 24000 } },
  { product_key: 'membership_team', name: 'Team Membership', description: 'Pro Membership for up to five seats.', kind: 'membership', active: true, days_before_anchor: 760, monthly: { usd: 9900, eur: 8900, gbp: 7900 } },
  { product_key: 'workshop_legacy', name: 'Attribution Workshop (retired)', description: 'One-day live workshop, no longer offered.', kind: 'course', active: false, days_before_anchor: 910, one_time: { usd: 19900, eur: 18900, gbp: 15900 } },
];

function pricesFor(spec: ProductSpec): CatalogPrice[] {
  const prices: CatalogPrice[] = [];
  const add = (table: PriceTable | undefined, interval: CatalogPrice['interval'], tag: string): void => {
    if (!table) return;
    for (const currency of ['usd', 'eur', 'gbp'] as const) {
      prices.push({
        price_key: `${spec.product_key}_${tag}_${currency}`,
        currency,
        unit_amount_minor: table[currency],
        interval,
        active: spec.active,
      });
    }
  };
  add(spec.one_time, null, 'one_time');
  add(spec.monthly, 'month', 'monthly');
  add(spec.yearly, 'year', 'yearly');
  return prices;
}

/** The product catalog every source sells from, dated relative to the anchor. */
export function buildCatalog(anchorMs: number): CatalogProduct[] {
  return PRODUCT_SPECS.map((spec) => ({
    product_key: spec.product_key,
    name: spec.name,
    description: spec.description,
    kind: spec.kind,
    active: spec.active,
    created_at: isoAt(anchorMs - spec.days_before_anchor * DAY_MS),
    prices: pricesFor(spec),
  }));
}

/** The catalog's price for a product, currency and billing interval (null interval = one-off). */
export function findPrice(
  catalog: readonly CatalogProduct[],
  productKey: string,
  currency: CurrencyCode,
  interval: CatalogPrice['interval'],
): CatalogPrice {
  const product = catalog.find((p) => p.product_key === productKey);
  const price = product?.prices.find((p) => p.currency === currency && p.interval === interval);
  if (!price) throw new Error(`No ${interval ?? 'one-off'} ${currency} price for product ${productKey}`);
  return price;
}
