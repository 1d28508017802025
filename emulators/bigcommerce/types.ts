import type { OrderStatusId } from './order-status.js';

/** A v2 sub-resource link, e.g. `{ url: 'https://…/v2/orders/100/products', resource: '/orders/100/products' }`. */
export interface ResourceLink {
  url: string;
  resource: string;
}

export interface BcBillingAddress {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  /** As the shopper typed it: case and spacing are not normalized. */
  email: string;
  form_fields: unknown[];
}

/** A v2 order as GET /v2/orders returns it (links are filled in per request, since they carry the host). */
export interface BcOrder {
  id: number;
  /** 0 for a guest checkout. */
  customer_id: number;
  date_created: string;
  date_modified: string;
  /** Empty string until something ships. */
  date_shipped: string;
  status_id: OrderStatusId;
  status: string;
  custom_status: string;
  subtotal_ex_tax: string;
  subtotal_inc_tax: string;
  subtotal_tax: string;
  base_shipping_cost: string;
  shipping_cost_ex_tax: string;
  shipping_cost_inc_tax: string;
  shipping_cost_tax: string;
  shipping_cost_tax_class_id: number;
  base_handling_cost: string;
  handling_cost_ex_tax: string;
  handling_cost_inc_tax: string;
  handling_cost_tax: string;
  handling_cost_tax_class_id: number;
  base_wrapping_cost: string;
  wrapping_cost_ex_tax: string;
  wrapping_cost_inc_tax: string;
  wrapping_cost_tax: string;
  wrapping_cost_tax_class_id: number;
  total_ex_tax: string;
  total_inc_tax: string;
  total_tax: string;
  items_total: number;
  items_shipped: number;
  payment_method: string;
  payment_provider_id: string;
  payment_status: string;
  refunded_amount: string;
  order_is_digital: boolean;
  store_credit_amount: string;
  gift_certificate_amount: string;
  ip_address: string;
  ip_address_v6: string;
  geoip_country: string;
  geoip_country_iso2: string;
  currency_id: number;
  currency_code: string;
  currency_exchange_rate: string;
  default_currency_id: number;
  default_currency_code: string;
  store_default_currency_code: string;
  store_default_to_transactional_exchange_rate: string;
  staff_notes: string;
  customer_message: string;
  discount_amount: string;
  coupon_discount: string;
  shipping_address_count: number;
  is_deleted: boolean;
  ebay_order_id: string;
  cart_id: string;
  billing_address: BcBillingAddress;
  is_email_opt_in: boolean;
  credit_card_type: string | null;
  order_source: string;
  channel_id: number;
  external_source: string | null;
  external_id: string | null;
  external_merchant_id: string | null;
  external_order_id: string;
  tax_provider_id: string;
  customer_locale: string;
  products: ResourceLink;
  shipping_addresses: ResourceLink;
  coupons: ResourceLink;
}

export interface BcAppliedDiscount {
  id: string;
  amount: string;
  name: string;
  code: string | null;
  target: 'order' | 'product';
}

/** A line of GET /v2/orders/{id}/products. */
export interface BcOrderProduct {
  id: number;
  order_id: number;
  product_id: number;
  variant_id: number;
  order_address_id: number;
  name: string;
  name_customer: string;
  name_merchant: string;
  sku: string;
  upc: string;
  type: 'physical' | 'digital';
  base_price: string;
  price_ex_tax: string;
  price_inc_tax: string;
  price_tax: string;
  base_total: string;
  total_ex_tax: string;
  total_inc_tax: string;
  total_tax: string;
  quantity: number;
  quantity_shipped: number;
  is_refunded: boolean;
  quantity_refunded: number;
  refund_amount: string;
  return_id: number;
  is_bundled_product: boolean;
  parent_order_product_id: number | null;
  applied_discounts: BcAppliedDiscount[];
  product_options: unknown[];
  configurable_fields: unknown[];
}

/** A row of GET /v2/orders/{id}/coupons; `type` 1 is a percentage, 2 a fixed amount off the total. */
export interface BcOrderCoupon {
  id: number;
  coupon_id: number;
  order_id: number;
  code: string;
  /** The coupon's own value: the percentage for type 1, the amount for type 2. */
  amount: string;
  type: 1 | 2;
  /** What it took off this order, in the order's currency. */
  discount: number;
}

/** A v3 customer (GET /v3/customers). */
export interface BcCustomer {
  id: number;
  authentication: { force_password_reset: boolean };
  company: string;
  customer_group_id: number;
  email: string;
  first_name: string;
  last_name: string;
  notes: string;
  phone: string;
  registration_ip_address: string;
  tax_exempt_category: string;
  date_created: string;
  date_modified: string;
  accepts_product_review_abandoned_cart_emails: boolean;
  origin_channel_id: number;
  channel_ids: number[];
}

/** A v3 catalog product (GET /v3/catalog/products), priced in the store's default currency. */
export interface BcProduct {
  id: number;
  name: string;
  type: 'physical' | 'digital';
  sku: string;
  description: string;
  weight: number;
  price: number;
  cost_price: number;
  retail_price: number;
  sale_price: number;
  calculated_price: number;
  categories: number[];
  brand_id: number;
  inventory_level: number;
  inventory_tracking: 'none' | 'product';
  total_sold: number;
  is_visible: boolean;
  is_featured: boolean;
  availability: 'available' | 'disabled' | 'preorder';
  condition: 'New';
  custom_url: { url: string; is_customized: boolean };
  date_created: string;
  date_modified: string;
}

/** An order with what the emulator needs to filter, sort and explain it. */
export interface StoreOrder {
  order: BcOrder;
  createdMs: number;
  modifiedMs: number;
  personId: string;
  products: BcOrderProduct[];
  coupons: BcOrderCoupon[];
}

export interface StoreCustomer {
  customer: BcCustomer;
  createdMs: number;
  modifiedMs: number;
  personId: string;
}

export interface StoreProduct {
  product: BcProduct;
  modifiedMs: number;
  productKey: string;
}

/** Everything one emulated store serves. */
export interface BigCommerceStore {
  seed: number;
  scale: number;
  anchor: string;
  storeHash: string;
  /** By id ascending. */
  orders: StoreOrder[];
  /** By id ascending. */
  customers: StoreCustomer[];
  /** By id ascending. */
  products: StoreProduct[];
}
