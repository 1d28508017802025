import { describe, expect, it } from 'vitest';
import { buildSellerAccount, computeAmazonSellerTruth, MARKETPLACES, ORDER_STATUSES, type AmazonSellerGroundTruth } from '../../../emulators/amazon-seller';
import { generateWorld } from '../../../emulators/world';

const DAY_MS = 86_400_000;

function truthOf(seed: number, scale: number, marketplaceId: string, anchor?: Date): AmazonSellerGroundTruth {
  const world = generateWorld({ seed, scale, anchor });
  const account = buildSellerAccount(world, MARKETPLACES[marketplaceId]!);
  return computeAmazonSellerTruth(account, Date.parse(account.anchor));
}

describe('Amazon SP-API seller account built from the world', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(truthOf(5, 0.05, 'ATVPDKIKX0DER')).toEqual(truthOf(5, 0.05, 'ATVPDKIKX0DER'));
    expect(truthOf(6, 0.05, 'ATVPDKIKX0DER').orders).not.toEqual(truthOf(5, 0.05, 'ATVPDKIKX0DER').orders);
  });

  it('turns every one-off order of its buyers into a marketplace order, in the marketplace currency, within the two years before the anchor', () => {
    const anchor = new Date('2026-11-01T00:00:00Z');
    const world = generateWorld({ seed: 8, scale: 0.1, anchor });
    const truth = truthOf(8, 0.1, 'ATVPDKIKX0DER', anchor);
    const buyers = new Set(truth.orders.map((o) => o.person_id));
    const people = world.people.filter((p) => buyers.has(p.person_id));
    expect(people.every((p) => p.address.country === 'US')).toBe(true);
    expect(buyers.size).toBeLessThan(world.people.filter((p) => p.address.country === 'US' && p.orders.length > 0).length);
    expect(truth.orders.map((o) => o.world_order_id).sort()).toEqual(people.flatMap((p) => p.orders.map((o) => o.order_id)).sort());
    for (const { order, items } of truth.orders) {
      const purchased = Date.parse(order.PurchaseDate as string);
      expect(purchased).toBeGreaterThan(anchor.getTime() - 731 * DAY_MS);
      expect(Date.parse(order.LastUpdateDate as string)).toBeGreaterThanOrEqual(purchased);
      expect(Date.parse(order.LastUpdateDate as string)).toBeLessThan(anchor.getTime());
      for (const item of items) if (item.ItemPrice) expect((item.ItemPrice as { CurrencyCode: string }).CurrencyCode).toBe('USD');
    }
    expect(new Set(truth.orders.map((o) => o.order.AmazonOrderId)).size).toBe(truth.orders.length);
  });

  it('shows every order status even in a small world, in the US and in Germany', () => {
    for (const marketplaceId of ['ATVPDKIKX0DER', 'A1PA6795UKMFR9']) {
      const truth = truthOf(42, 0.1, marketplaceId);
      for (const status of ORDER_STATUSES) expect(truth.counts.by_status[status], `${marketplaceId} ${status}`).toBeGreaterThan(0);
      expect(truth.currency_code).toBe(marketplaceId === 'ATVPDKIKX0DER' ? 'USD' : 'EUR');
    }
  });

  it('gives a plausible share of shipped orders returns and feedback, mostly four and five stars, some answered', () => {
    const truth = truthOf(42, 1, 'ATVPDKIKX0DER');
    const shipped = truth.counts.by_status.Shipped;
    expect(truth.returns.length).toBeGreaterThan(shipped * 0.03);
    expect(truth.returns.length).toBeLessThan(shipped * 0.2);
    expect(truth.feedback.length).toBeGreaterThan(shipped * 0.08);
    expect(truth.feedback.filter((f) => f.rating >= 4).length).toBeGreaterThan(truth.feedback.length * 0.7);
    expect(new Set(truth.feedback.map((f) => f.rating))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(truth.feedback.some((f) => f.your_response !== null)).toBe(true);
    const emails = new Map(truth.orders.map((o) => [o.order.AmazonOrderId, o.buyer_email]));
    expect(truth.feedback.every((f) => emails.get(f.order_id) === f.rater_email)).toBe(true);
    for (const r of truth.returns) expect(r.return_request_date >= r.order_date).toBe(true);
  });
});
