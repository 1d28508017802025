import type { World } from '../../world/index.js';
import type { StripeIds } from '../ids.js';
import { priceObject, productObject, type StripePrice, type StripeProduct } from '../objects/catalog.js';
import { unixSeconds } from '../objects/common.js';
import { couponObject, promotionCodeObject, type StripeCoupon, type StripePromotionCode } from '../objects/discounts.js';

export interface StripeCatalog {
  products: StripeProduct[];
  prices: StripePrice[];
  coupons: StripeCoupon[];
  promotion_codes: StripePromotionCode[];
  productByKey: Map<string, StripeProduct>;
  priceByKey: Map<string, StripePrice>;
  couponByOffer: Map<string, StripeCoupon>;
  promotionCodeByCode: Map<string, StripePromotionCode>;
}

const DAY_S = 86_400;

/** Products, prices, coupons and promotion codes; redemption counts come from the world's memberships. */
export function buildCatalog(world: World, ids: StripeIds): StripeCatalog {
  const anchorS = unixSeconds(world.anchor);
  const products: StripeProduct[] = [];
  const prices: StripePrice[] = [];
  const productByKey = new Map<string, StripeProduct>();
  const priceByKey = new Map<string, StripePrice>();

  for (const p of world.catalog) {
    const created = unixSeconds(p.created_at);
    const productId = ids.short('prod');
    const productPrices = p.prices.map((price, k) => {
      const priceCreated = created + 60 * (k + 1);
      const nickname = price.interval === 'month' ? 'Monthly' : price.interval === 'year' ? 'Yearly' : null;
      return priceObject({
        id: ids.timed('price', priceCreated),
        created: priceCreated,
        product: productId,
        active: price.active,
        currency: price.currency,
        unit_amount: price.unit_amount_minor,
        interval: price.interval,
        lookup_key: price.price_key,
        nickname,
      });
    });
    p.prices.forEach((price, k) => priceByKey.set(price.price_key, productPrices[k]!));
    const defaultPrice = productPrices.find((pr) => pr.currency === 'usd') ?? null;
    // Retired products were last edited when they were retired; live ones when prices were last touched.
    const updated = p.active ? created + 60 * (productPrices.length + 1) : Math.min(anchorS - 400 * DAY_S, created + 300 * DAY_S);
    const product = productObject({
      id: productId,
      created,
      updated,
      name: p.name,
      description: p.description,
      active: p.active,
      default_price: defaultPrice?.id ?? null,
      physical: p.kind === 'physical',
      metadata: { sku: p.product_key },
    });
    products.push(product);
    prices.push(...productPrices);
    productByKey.set(p.product_key, product);
  }

  const redemptionsByOffer = new Map<string, number>();
  const redemptionsByCode = new Map<string, number>();
  for (const person of world.people) {
    for (const m of person.memberships) {
      if (!m.offer) continue;
      redemptionsByOffer.set(m.offer.offer_key, (redemptionsByOffer.get(m.offer.offer_key) ?? 0) + 1);
      if (m.offer.code) redemptionsByCode.set(m.offer.code, (redemptionsByCode.get(m.offer.code) ?? 0) + 1);
    }
  }

  const coupons: StripeCoupon[] = [];
  const promotion_codes: StripePromotionCode[] = [];
  const couponByOffer = new Map<string, StripeCoupon>();
  const promotionCodeByCode = new Map<string, StripePromotionCode>();
  for (const offer of world.offers) {
    const created = unixSeconds(offer.created_at);
    const redeemBy = offer.redeem_by === null ? null : unixSeconds(offer.redeem_by);
    const coupon = couponObject({
      id: ids.coupon(),
      created,
      name: offer.name,
      percent_off: offer.percent_off,
      amount_off: offer.amount_off_minor,
      currency: offer.currency,
      duration: offer.duration,
      duration_in_months: offer.duration_in_months,
      redeem_by: redeemBy,
      times_redeemed: redemptionsByOffer.get(offer.offer_key) ?? 0,
      valid: redeemBy === null || redeemBy > anchorS,
    });
    coupons.push(coupon);
    couponByOffer.set(offer.offer_key, coupon);
    offer.codes.forEach((code, k) => {
      const codeCreated = created + 3600 * (k + 1);
      const promo = promotionCodeObject({
        id: ids.timed('promo', codeCreated),
        created: codeCreated,
        code: code.code,
        coupon: coupon.id,
        active: code.active,
        expires_at: code.expires_at === null ? null : unixSeconds(code.expires_at),
        first_time_transaction: code.first_time_transaction,
        times_redeemed: redemptionsByCode.get(code.code) ?? 0,
      });
      promotion_codes.push(promo);
      promotionCodeByCode.set(code.code, promo);
    });
  }
  return { products, prices, coupons, promotion_codes, productByKey, priceByKey, couponByOffer, promotionCodeByCode };
}
