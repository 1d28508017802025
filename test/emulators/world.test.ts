import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateWorld, DEFAULT_ANCHOR } from '../../emulators/world';

const DAY_MS = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('the generated world', () => {
  it('is byte-identical for the same seed and scale, and different for another seed', () => {
    const a = JSON.stringify(generateWorld({ seed: 5, scale: 0.1 }));
    const b = JSON.stringify(generateWorld({ seed: 5, scale: 0.1 }));
    const c = JSON.stringify(generateWorld({ seed: 6, scale: 0.1 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('does not depend on the real clock', () => {
    const before = JSON.stringify(generateWorld({ seed: 9, scale: 0.05 }));
    vi.useFakeTimers({ now: new Date('2031-02-03T04:05:06Z') });
    expect(JSON.stringify(generateWorld({ seed: 9, scale: 0.05 }))).toBe(before);
  });

  // How long the default-scale world takes is measured by bench/emulator-data.bench.ts.
  it('holds about 3,000 people at scale 1 and about 300 at scale 0.1', () => {
    expect(generateWorld({ scale: 0.1 }).people).toHaveLength(300);
    expect(generateWorld({ scale: 1 }).people).toHaveLength(3000);
  });

  it('spreads people over the two years before the anchor and dates all activity before it', () => {
    const world = generateWorld({ seed: 42, scale: 0.2 });
    const anchorMs = DEFAULT_ANCHOR.getTime();
    expect(world.anchor).toBe('2026-11-01T00:00:00Z');
    const created = world.people.map((p) => Date.parse(p.created_at));
    expect(Math.max(...created)).toBeLessThan(anchorMs);
    expect(Math.min(...created)).toBeGreaterThanOrEqual(anchorMs - 731 * DAY_MS);
    expect(Math.min(...created)).toBeLessThan(anchorMs - 600 * DAY_MS);
    for (const p of world.people) {
      for (const o of p.orders) expect(Date.parse(o.placed_at)).toBeLessThan(anchorMs);
      for (const m of p.memberships) expect(Date.parse(m.started_at)).toBeLessThan(anchorMs);
    }
  });

  it('follows another anchor when given one', () => {
    const anchor = new Date('2024-03-15T12:00:00Z');
    const world = generateWorld({ seed: 42, scale: 0.05, anchor });
    expect(world.anchor).toBe('2024-03-15T12:00:00Z');
    for (const p of world.people) expect(Date.parse(p.created_at)).toBeLessThan(anchor.getTime());
  });

  it('gives every person a unique canonical lower-case email, a phone and a full address', () => {
    const world = generateWorld({ seed: 42, scale: 0.3 });
    const emails = world.people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const p of world.people) {
      expect(p.email).toBe(p.email.toLowerCase().trim());
      expect(p.email).toMatch(/^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]{2,}$/);
      expect(p.phone).toMatch(/^\+\d{9,15}$/);
      expect(p.address.line1 && p.address.city && p.address.postal_code && p.address.country).toBeTruthy();
    }
    expect(new Set(world.people.map((p) => p.traits.currency))).toEqual(new Set(['usd', 'eur', 'gbp']));
  });

  it('writes payment emails differently for some people, with duplicates that normalize to the canonical email', () => {
    const world = generateWorld({ seed: 42, scale: 0.1 });
    const styles = new Set(world.people.map((p) => p.traits.payment_email_style));
    for (const s of ['canonical', 'upper_case', 'padded', 'different', 'missing', 'mixed_case'] as const) expect(styles.has(s), s).toBe(true);
    for (const p of world.people) {
      const { payment_email, payment_email_style, duplicate_payment_account } = p.traits;
      if (payment_email_style === 'different') expect(payment_email!.trim().toLowerCase()).not.toBe(p.email);
      else if (payment_email_style === 'missing' || payment_email_style === null) expect(payment_email).toBeNull();
      else expect(payment_email!.trim().toLowerCase()).toBe(p.email);
      if (duplicate_payment_account) {
        expect(duplicate_payment_account.email.trim().toLowerCase()).toBe(p.email);
        expect(duplicate_payment_account.email).not.toBe(payment_email);
      }
    }
    expect(world.people.filter((p) => p.traits.duplicate_payment_account).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps traits consistent with the orders and memberships they summarize', () => {
    const world = generateWorld({ seed: 42, scale: 0.1 });
    for (const p of world.people) {
      expect(p.traits.order_count).toBe(p.orders.length);
      expect(p.traits.is_buyer).toBe(p.orders.length > 0);
      expect(p.traits.is_subscriber).toBe(p.memberships.length > 0);
      for (const o of p.orders) {
        expect(o.total_minor).toBe(o.items.reduce((s, it) => s + it.quantity * it.unit_amount_minor, 0));
        expect(o.refunds.reduce((s, r) => s + r.amount_minor, 0)).toBeLessThanOrEqual(o.total_minor);
        if (o.outcome !== 'paid') expect(o.refunds).toEqual([]);
        expect(o.currency).toBe(p.traits.currency);
      }
    }
  });

  it('carries a catalog with courses, programs, physical items and memberships priced in three currencies', () => {
    const world = generateWorld({ seed: 42, scale: 0.05 });
    expect(new Set(world.catalog.map((p) => p.kind))).toEqual(new Set(['course', 'program', 'physical', 'membership']));
    for (const product of world.catalog) {
      expect(new Set(product.prices.map((p) => p.currency))).toEqual(new Set(['usd', 'eur', 'gbp']));
      for (const price of product.prices) expect(Number.isInteger(price.unit_amount_minor)).toBe(true);
    }
  });
});
