import { deriveSeed, hash32 } from '../world/index.js';
import type { Marketplace } from './marketplaces.js';

const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters of `alphabet` that depend only on the seed, a label and a number, never on call order. */
export function hashedChars(seed: number, label: string, n: number, length: number, alphabet: string): string {
  const stream = hash32(deriveSeed(seed, label), n);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[hash32(stream, i) % alphabet.length];
  return out;
}

/** An Amazon-defined order id in 3-7-7 form, its first group one the marketplace uses. */
export function amazonOrderIdOf(seed: number, marketplace: Marketplace, n: number): string {
  const prefixes = marketplace.orderIdPrefixes;
  const prefix = prefixes[hash32(deriveSeed(seed, 'order-prefix'), n) % prefixes.length]!;
  return `${prefix}-${hashedChars(seed, 'order-id', n, 7, DIGITS)}-${hashedChars(seed, 'order-id-tail', n, 7, DIGITS)}`;
}

/** A 14-digit order item id. */
export function orderItemIdOf(seed: number, n: number): string {
  return `${1 + (hash32(deriveSeed(seed, 'order-item-lead'), n) % 9)}${hashedChars(seed, 'order-item', n, 13, DIGITS)}`;
}

/** The product's ASIN: the catalog is Amazon's, so it does not depend on the seed. */
export function asinOf(productKey: string): string {
  return `B0${hashedChars(0, `asin:${productKey}`, 0, 8, UPPER_ALNUM)}`;
}

/** The seller's own SKU for a catalog product. */
export function sellerSkuOf(productKey: string): string {
  return `CDP-${productKey.toUpperCase().replace(/_/g, '-')}`;
}

/** The buyer's anonymized address, stable per person and marketplace, like `r4p3yy6zxwfhkxy@marketplace.amazon.com`. */
export function buyerEmailOf(seed: number, personId: string, marketplace: Marketplace): string {
  return `${hashedChars(seed, `buyer:${personId}`, 0, 15, LOWER_ALNUM)}@${marketplace.emailDomain}`;
}

/** An Amazon RMA id such as `DfqRyqfBRRMA`. */
export function rmaIdOf(seed: number, n: number): string {
  return `${hashedChars(seed, 'rma', n, 9, LETTERS)}RMA`;
}

/** A tracking number shaped like the carrier's. */
export function trackingIdOf(seed: number, n: number, carrier: string): string {
  if (carrier === 'UPS') return `1Z${hashedChars(seed, 'tracking', n, 16, UPPER_ALNUM)}`;
  if (carrier === 'USPS') return `9202${hashedChars(seed, 'tracking', n, 18, DIGITS)}`;
  return hashedChars(seed, 'tracking', n, 14, DIGITS);
}

/** The seller's merchant token. */
export function sellerIdOf(seed: number): string {
  return `A${hashedChars(seed, 'seller-id', 0, 13, UPPER_ALNUM)}`;
}

/** A UUID-shaped id from the seed, a label and a number. */
export function uuidOf(seed: number, label: string, n: number): string {
  const h = hashedChars(seed, label, n, 32, HEX);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A numeric report id like `50039018692`; unique per number. */
export function reportIdOf(seed: number, n: number): string {
  return String(50_000_000_000 + n * 1_000 + (hash32(deriveSeed(seed, 'report-id'), n) % 1_000));
}
