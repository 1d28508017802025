import type { CatalogProduct } from '../world/index.js';
import type { ItemType } from './types.js';

/** A checkout the account sells through: the world product behind it and the id ThriveCart gives it. */
export interface CartProduct {
  product_id: number;
  product_key: string;
  name: string;
  /** One-off price, recurring plans, or a fixed number of instalments of a one-off price. */
  billing: 'one_off' | 'subscription' | 'payment_plan_or_full';
  active: boolean;
}

/** An order bump or upsell offered on a checkout; a bump's id is its base product's id, as ThriveCart numbers them. */
export interface CartAddOn {
  item_type: Exclude<ItemType, 'product'>;
  item_id: number;
  product_key: string;
  name: string;
}

/** ThriveCart sells the digital catalog: courses, the mentorship program and the memberships. */
const CART_PRODUCTS: readonly Omit<CartProduct, 'name' | 'active'>[] = [
  { product_id: 1, product_key: 'course_sql', billing: 'one_off' },
  { product_id: 2, product_key: 'course_analytics', billing: 'one_off' },
  { product_id: 3, product_key: 'program_growth', billing: 'payment_plan_or_full' },
  { product_id: 4, product_key: 'membership_pro', billing: 'subscription' },
  { product_id: 5, product_key: 'membership_team', billing: 'subscription' },
  { product_id: 6, product_key: 'workshop_legacy', billing: 'one_off' },
];

/** The program can be paid in this many monthly instalments instead of at once. */
export const PAYMENT_PLAN_INSTALMENTS = 3;
/** Affiliates who refer buyers, by their ThriveCart affiliate id. */
export const AFFILIATE_IDS: readonly string[] = ['growthgal', 'datadan', 'sqlsam', 'podcastpete'];

/** The account's products, named as in the world catalog. */
export function cartProducts(catalog: readonly CatalogProduct[]): CartProduct[] {
  return CART_PRODUCTS.map((p) => {
    const product = catalog.find((c) => c.product_key === p.product_key);
    if (!product) throw new Error(`The world catalog has no ${p.product_key}`);
    return { ...p, name: product.name, active: product.active };
  });
}

/** The notebook bump on a course checkout (id = the course's product id), or the analytics upsell after the SQL course. */
export function addOnFor(kind: Exclude<ItemType, 'product'>, base: CartProduct, catalog: readonly CatalogProduct[]): CartAddOn {
  const key = kind === 'bump' ? 'item_notebook' : 'course_analytics';
  const name = catalog.find((c) => c.product_key === key)?.name ?? key;
  return { item_type: kind, item_id: kind === 'bump' ? base.product_id : 1, product_key: key, name };
}
