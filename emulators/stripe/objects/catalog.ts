export interface ProductInput {
  id: string;
  created: number;
  updated: number;
  name: string;
  description: string;
  active: boolean;
  default_price: string | null;
  physical: boolean;
  metadata: Record<string, string>;
}

/** A Stripe `product`. */
export function productObject(p: ProductInput) {
  return {
    id: p.id,
    object: 'product' as const,
    active: p.active,
    created: p.created,
    default_price: p.default_price,
    description: p.description,
    images: [] as string[],
    livemode: false,
    marketing_features: [] as { name: string }[],
    metadata: p.metadata,
    name: p.name,
    package_dimensions: p.physical ? { height: 3, length: 30, weight: 16, width: 22 } : null,
    shippable: p.physical ? true : null,
    statement_descriptor: null,
    tax_code: null,
    type: p.physical ? ('good' as const) : ('service' as const),
    unit_label: null,
    updated: p.updated,
    url: null,
  };
}

export interface PriceInput {
  id: string;
  created: number;
  product: string;
  active: boolean;
  currency: string;
  unit_amount: number;
  interval: 'month' | 'year' | null;
  lookup_key: string;
  nickname: string | null;
}

/** A Stripe `price`: one-off or recurring, per unit. */
export function priceObject(p: PriceInput) {
  return {
    id: p.id,
    object: 'price' as const,
    active: p.active,
    billing_scheme: 'per_unit' as const,
    created: p.created,
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookup_key,
    metadata: {} as Record<string, string>,
    nickname: p.nickname,
    product: p.product,
    recurring: p.interval ? { interval: p.interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' as const } : null,
    tax_behavior: 'unspecified' as const,
    tiers_mode: null,
    transform_quantity: null,
    type: p.interval ? ('recurring' as const) : ('one_time' as const),
    unit_amount: p.unit_amount,
    unit_amount_decimal: String(p.unit_amount),
  };
}

export type StripeProduct = ReturnType<typeof productObject>;
export type StripePrice = ReturnType<typeof priceObject>;

/** The legacy `plan` view of a recurring price, as subscription items still carry it. */
export function planObject(price: StripePrice) {
  return {
    id: price.id,
    object: 'plan' as const,
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: {} as Record<string, string>,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed' as const,
  };
}
