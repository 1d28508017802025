import { deriveSeed, Rng, type World } from '../../world/index.js';
import { StripeIds } from '../ids.js';
import { unixSeconds } from '../objects/common.js';
import { customerObject } from '../objects/customer.js';
import { buildAccounts } from './build-accounts.js';
import { buildBilling } from './build-billing.js';
import { buildCatalog } from './build-catalog.js';
import { buildCharges } from './build-charges.js';
import { buildInvoicePayments } from './build-invoice-payments.js';
import type { StripeData } from './stripe-data.js';

/** Turns a world into the objects of one Stripe account; the same world always gives the same objects. */
export function buildStripeData(world: World): StripeData {
  const ids = new StripeIds(world.seed);
  const rng = new Rng(deriveSeed(world.seed, 'stripe-data'));
  const anchorS = unixSeconds(world.anchor);
  const catalog = buildCatalog(world, ids);
  const productNames = new Map(world.catalog.map((p) => [p.product_key, p.name] as const));
  const accounts = buildAccounts(world.people, ids, rng, new Date(world.anchor).getUTCFullYear());
  const { charges, refunds } = buildCharges({ ids, rng, productNames }, accounts);
  const billing = buildBilling(
    {
      ids,
      rng,
      anchorS,
      accountId: ids.accountId,
      catalog,
      productNames,
      offers: new Map(world.offers.map((o) => [o.offer_key, o] as const)),
      invoicingRng: new Rng(deriveSeed(world.seed, 'stripe-invoicing')),
    },
    accounts,
  );
  // Made last, so that the ids and draws of everything above stay as they were without them.
  const paid = buildInvoicePayments(ids, billing.invoices, new Map(accounts.map(({ primary }) => [primary.id, primary] as const)));

  const customerPerson = new Map<string, string>();
  const customers = accounts.flatMap(({ person, primary, duplicate }) =>
    [primary, duplicate].flatMap((draft) => {
      if (!draft) return [];
      customerPerson.set(draft.id, person.person_id);
      const { card: _card, person: _person, ...input } = draft;
      return [customerObject(input)];
    }),
  );

  return {
    seed: world.seed,
    scale: world.scale,
    anchor: world.anchor,
    accountId: ids.accountId,
    customers,
    charges: [...charges, ...paid.charges],
    refunds,
    invoices: billing.invoices,
    invoice_payments: paid.invoicePayments,
    subscriptions: billing.subscriptions,
    coupons: catalog.coupons,
    promotion_codes: catalog.promotion_codes,
    products: catalog.products,
    prices: catalog.prices,
    discounts: billing.discounts,
    customerPerson,
  };
}
