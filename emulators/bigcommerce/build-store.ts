import { DAY_MS, type CurrencyCode, type World } from '../world/index.js';
import { decimal4, isoOffset, isoZulu, major, rfc2822 } from './formats.js';
import { PAID_STATUSES, statusName } from './order-status.js';
import { deriveStorePurchases, type StoreOrderDraft } from './store-purchases.js';
import type { BcOrder, BcOrderCoupon, BcOrderProduct, BcProduct, BigCommerceStore, StoreCustomer, StoreOrder, StoreProduct } from './types.js';

/** The store's currencies; USD is the default one the catalog is priced in. */
const CURRENCIES: Readonly<Record<CurrencyCode, { id: number; code: string; rate: string }>> = {
  usd: { id: 1, code: 'USD', rate: '1.0000000000' },
  eur: { id: 2, code: 'EUR', rate: '0.9200000000' },
  gbp: { id: 3, code: 'GBP', rate: '0.7900000000' },
};
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'United States', GB: 'United Kingdom', DE: 'Germany', FR: 'France', NL: 'Netherlands', IE: 'Ireland', ES: 'Spain',
};
/** `payment_status` as v2 prints it for each order status. */
export const PAYMENT_STATUS: Readonly<Record<number, string>> = {
  0: '', 1: 'pending', 2: 'captured', 3: 'captured', 4: 'refunded', 5: 'void', 6: 'declined', 7: 'pending',
  8: 'captured', 9: 'captured', 10: 'captured', 11: 'captured', 12: 'authorized', 13: 'captured', 14: 'partially refunded',
};
const FIRST_ORDER_ID = 100;

/** Builds everything the store serves from the world; the same world always gives byte-identical objects. */
export function buildBigCommerceStore(world: World, storeHash: string): BigCommerceStore {
  const anchorMs = Date.parse(world.anchor);
  const purchases = deriveStorePurchases(world);

  const customers: StoreCustomer[] = purchases.accounts.map((a, i) => ({
    customer: {
      id: i + 1,
      authentication: { force_password_reset: false },
      company: '',
      customer_group_id: 0,
      email: a.email,
      first_name: a.person.first_name,
      last_name: a.person.last_name,
      notes: '',
      phone: a.person.phone,
      registration_ip_address: a.ip_address,
      tax_exempt_category: '',
      date_created: isoZulu(a.created_ms),
      date_modified: isoZulu(a.modified_ms),
      accepts_product_review_abandoned_cart_emails: a.person.traits.marketing_opt_in,
      origin_channel_id: 1,
      // The one storefront's channel: Customers V3 describes `channel_ids` as an array, never null.
      channel_ids: [1],
    },
    createdMs: a.created_ms,
    modifiedMs: a.modified_ms,
    personId: a.person.person_id,
  }));
  const customerIdOf = new Map(customers.map((c) => [c.personId, c.customer.id] as const));

  const sold = world.catalog.filter((p) => p.kind !== 'membership');
  const productIdOf = new Map(sold.map((p, i) => [p.product_key, i + 1] as const));

  let lineId = 0;
  let couponRowId = 0;
  const orders: StoreOrder[] = purchases.orders.map((draft, i) => {
    const id = FIRST_ORDER_ID + i;
    const products = orderProducts(draft, id, productIdOf, sold, () => ++lineId);
    const coupons: BcOrderCoupon[] =
      draft.coupon === null
        ? []
        : [{
            id: ++couponRowId,
            coupon_id: draft.coupon.coupon_id,
            order_id: id,
            code: draft.coupon.code,
            amount: draft.coupon.value.kind === 'percent' ? decimal4(draft.coupon.value.percent * 100) : decimal4(draft.coupon.value.amount_minor),
            type: draft.coupon.value.kind === 'percent' ? 1 : 2,
            discount: major(draft.totals.coupon_discount),
          }];
    const customerId = draft.guest ? 0 : (customerIdOf.get(draft.person.person_id) ?? 0);
    return { order: orderObject(draft, id, customerId, products, storeHash), createdMs: draft.created_ms, modifiedMs: draft.modified_ms, personId: draft.person.person_id, products, coupons };
  });

  const products: StoreProduct[] = sold.map((p, i) => {
    const createdMs = Date.parse(p.created_at);
    // Retired products were edited when they were switched off; the others last changed at a price review.
    const modifiedMs = p.active ? Math.min(anchorMs - DAY_MS, createdMs + 45 * DAY_MS + i * DAY_MS) : anchorMs - 400 * DAY_MS;
    const usd = p.prices.find((price) => price.currency === 'usd' && price.interval === null)?.unit_amount_minor ?? 0;
    const physical = p.kind === 'physical';
    const totalSold = orders
      .filter((o) => PAID_STATUSES.has(o.order.status_id))
      .reduce((n, o) => n + o.products.filter((l) => l.product_id === i + 1).reduce((q, l) => q + l.quantity, 0), 0);
    const product: BcProduct = {
      id: i + 1,
      name: p.name,
      type: physical ? 'physical' : 'digital',
      sku: skuOf(p.product_key),
      description: `<p>${p.description}</p>`,
      weight: physical ? 1 : 0,
      price: major(usd),
      cost_price: 0,
      retail_price: 0,
      sale_price: 0,
      calculated_price: major(usd),
      categories: [physical ? 23 : 24],
      brand_id: 0,
      inventory_level: physical ? 250 : 0,
      inventory_tracking: physical ? 'product' : 'none',
      total_sold: totalSold,
      is_visible: p.active,
      is_featured: false,
      availability: p.active ? 'available' : 'disabled',
      condition: 'New',
      custom_url: { url: `/${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}/`, is_customized: false },
      date_created: isoOffset(createdMs),
      date_modified: isoOffset(modifiedMs),
    };
    return { product, modifiedMs, productKey: p.product_key };
  });

  return { seed: world.seed, scale: world.scale, anchor: world.anchor, storeHash, orders, customers, products };
}

function skuOf(productKey: string): string {
  return productKey.toUpperCase().replace(/_/g, '-');
}

function orderProducts(draft: StoreOrderDraft, orderId: number, productIdOf: ReadonlyMap<string, number>, sold: World['catalog'], nextId: () => number): BcOrderProduct[] {
  const fullyShipped = draft.shipped_ms !== null && draft.status_id !== 3;
  const lastPhysical = draft.lines.map((l) => l.physical).lastIndexOf(true);
  return draft.lines.map((line, i) => {
    const totals = draft.totals.lines[i]!;
    const name = sold.find((p) => p.product_key === line.product_key)?.name ?? line.product_key;
    // A partial shipment leaves one unit of the last physical line behind.
    const shipped = !line.physical ? 0 : draft.status_id === 3 ? line.quantity - (i === lastPhysical ? 1 : 0) : fullyShipped ? line.quantity : 0;
    const refundedFully = draft.status_id === 4;
    return {
      id: nextId(),
      order_id: orderId,
      product_id: productIdOf.get(line.product_key) ?? 0,
      variant_id: productIdOf.get(line.product_key) ?? 0,
      order_address_id: line.physical ? orderId : 0,
      name,
      name_customer: name,
      name_merchant: name,
      sku: skuOf(line.product_key),
      upc: '',
      type: line.physical ? 'physical' : 'digital',
      base_price: decimal4(line.unit_minor),
      price_ex_tax: decimal4(line.unit_minor),
      price_inc_tax: decimal4(line.unit_minor + totals.price_tax),
      price_tax: decimal4(totals.price_tax),
      base_total: decimal4(totals.total_ex_tax),
      total_ex_tax: decimal4(totals.total_ex_tax),
      total_inc_tax: decimal4(totals.total_ex_tax + totals.total_tax),
      total_tax: decimal4(totals.total_tax),
      quantity: line.quantity,
      quantity_shipped: shipped,
      is_refunded: refundedFully,
      quantity_refunded: refundedFully ? line.quantity : 0,
      refund_amount: decimal4(refundedFully ? totals.total_ex_tax + totals.total_tax - totals.coupon_share : 0),
      return_id: 0,
      is_bundled_product: false,
      parent_order_product_id: null,
      applied_discounts:
        draft.coupon === null || totals.coupon_share === 0
          ? []
          : [{ id: 'coupon', amount: decimal4(totals.coupon_share), name: draft.coupon.code, code: draft.coupon.code, target: 'order' as const }],
      product_options: [],
      configurable_fields: [],
    };
  });
}

function orderObject(draft: StoreOrderDraft, id: number, customerId: number, products: readonly BcOrderProduct[], storeHash: string): BcOrder {
  const t = draft.totals;
  const currency = CURRENCIES[draft.currency];
  const { person } = draft;
  const physical = draft.lines.some((l) => l.physical);
  const link = (sub: string) => ({ url: `https://api.bigcommerce.com/stores/${storeHash}/v2/orders/${id}/${sub}`, resource: `/orders/${id}/${sub}` });
  const zero = decimal4(0);
  const status = statusName(draft.status_id);
  return {
    id,
    customer_id: customerId,
    date_created: rfc2822(draft.created_ms),
    date_modified: rfc2822(draft.modified_ms),
    date_shipped: draft.shipped_ms === null ? '' : rfc2822(draft.shipped_ms),
    status_id: draft.status_id,
    status,
    custom_status: status,
    subtotal_ex_tax: decimal4(t.subtotal_ex_tax),
    subtotal_inc_tax: decimal4(t.subtotal_ex_tax + t.subtotal_tax),
    subtotal_tax: decimal4(t.subtotal_tax),
    base_shipping_cost: decimal4(t.shipping_ex_tax),
    shipping_cost_ex_tax: decimal4(t.shipping_ex_tax),
    shipping_cost_inc_tax: decimal4(t.shipping_ex_tax + t.shipping_tax),
    shipping_cost_tax: decimal4(t.shipping_tax),
    shipping_cost_tax_class_id: 2,
    base_handling_cost: zero,
    handling_cost_ex_tax: zero,
    handling_cost_inc_tax: zero,
    handling_cost_tax: zero,
    handling_cost_tax_class_id: 2,
    base_wrapping_cost: zero,
    wrapping_cost_ex_tax: zero,
    wrapping_cost_inc_tax: zero,
    wrapping_cost_tax: zero,
    wrapping_cost_tax_class_id: 3,
    total_ex_tax: decimal4(t.total_ex_tax),
    total_inc_tax: decimal4(t.total_inc_tax),
    total_tax: decimal4(t.total_tax),
    items_total: products.reduce((n, p) => n + p.quantity, 0),
    items_shipped: products.reduce((n, p) => n + p.quantity_shipped, 0),
    payment_method: draft.payment_method,
    // Orders V2 describes a string or a number, an empty string where no payment provider was used.
    payment_provider_id: draft.payment_method === 'Manual' || draft.status_id === 0 ? '' : `pi_${draft.cart_id.replace(/-/g, '').slice(0, 24)}`,
    payment_status: PAYMENT_STATUS[draft.status_id] ?? '',
    refunded_amount: decimal4(draft.refunded_minor),
    order_is_digital: !physical,
    store_credit_amount: zero,
    gift_certificate_amount: zero,
    ip_address: draft.ip_address,
    ip_address_v6: '',
    geoip_country: COUNTRY_NAMES[person.address.country] ?? person.address.country,
    geoip_country_iso2: person.address.country,
    currency_id: currency.id,
    currency_code: currency.code,
    currency_exchange_rate: currency.rate,
    default_currency_id: currency.id,
    default_currency_code: currency.code,
    store_default_currency_code: CURRENCIES.usd.code,
    store_default_to_transactional_exchange_rate: currency.rate,
    staff_notes: '',
    customer_message: '',
    discount_amount: decimal4(t.discount_amount),
    coupon_discount: decimal4(t.coupon_discount),
    shipping_address_count: physical ? 1 : 0,
    is_deleted: false,
    ebay_order_id: '0',
    cart_id: draft.cart_id,
    billing_address: {
      first_name: person.first_name,
      last_name: person.last_name,
      company: '',
      street_1: person.address.line1,
      street_2: '',
      city: person.address.city,
      state: person.address.state ?? '',
      zip: person.address.postal_code,
      country: COUNTRY_NAMES[person.address.country] ?? person.address.country,
      country_iso2: person.address.country,
      phone: person.phone,
      email: draft.billing_email,
      form_fields: [],
    },
    is_email_opt_in: person.traits.marketing_opt_in,
    credit_card_type: draft.payment_method === 'Credit Card' && draft.status_id !== 0 ? 'visa' : null,
    order_source: 'www',
    channel_id: 1,
    external_source: null,
    external_id: null,
    external_merchant_id: null,
    external_order_id: '',
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    products: link('products'),
    shipping_addresses: link('shipping_addresses'),
    coupons: link('coupons'),
  };
}
