import type { Order, Rng } from '../../world/index.js';
import type { StripeIds } from '../ids.js';
import { chargeObject, type StripeCharge } from '../objects/charge.js';
import { unixSeconds } from '../objects/common.js';
import { refundObject, type StripeRefund } from '../objects/refund.js';
import { attemptTimes, type CustomerDraft, type PaymentAccounts } from './build-accounts.js';

const CARRIERS: Readonly<Record<string, string>> = { US: 'USPS', GB: 'Royal Mail', DE: 'DHL', FR: 'La Poste', NL: 'PostNL', IE: 'An Post', ES: 'Correos' };

export interface ChargeBuildContext {
  ids: StripeIds;
  rng: Rng;
  productNames: ReadonlyMap<string, string>;
}

function describe(order: Order, productNames: ReadonlyMap<string, string>): string {
  return order.items.map((it) => `${productNames.get(it.product_key) ?? it.product_key}${it.quantity > 1 ? ` × ${it.quantity}` : ''}`).join(', ');
}

function chargesForOrder(ctx: ChargeBuildContext, order: Order, customer: CustomerDraft): { charges: StripeCharge[]; refunds: StripeRefund[] } {
  const { ids, rng } = ctx;
  const times = attemptTimes(order);
  const paymentIntent = ids.timed('pi', times[0]!);
  const physical = order.items.some((it) => it.product_key.startsWith('item_'));
  const person = customer.person;
  const email = customer.email;
  const charges: StripeCharge[] = [];
  const refunds: StripeRefund[] = [];
  times.forEach((created, k) => {
    const isFinal = k === times.length - 1;
    const failure = order.outcome === 'failed' ? order.failed_attempts[k]! : isFinal ? null : order.failed_attempts[k]!;
    const status = failure ? 'failed' : order.outcome === 'pending' ? 'pending' : 'succeeded';
    const id = ids.timed('ch', created);
    const chargeRefunds =
      status === 'succeeded'
        ? order.refunds.map((r) => {
            const refundCreated = unixSeconds(r.refunded_at);
            return refundObject({
              id: ids.timed('re', refundCreated),
              created: refundCreated,
              amount: r.amount_minor,
              currency: order.currency,
              charge: id,
              customer: customer.id,
              payment_intent: paymentIntent,
              payment_method: customer.card.payment_method,
              balance_transaction: ids.timed('txn', refundCreated),
              reason: r.reason,
            });
          })
        : [];
    refunds.push(...chargeRefunds);
    charges.push(
      chargeObject({
        id,
        created,
        amount: order.total_minor,
        currency: order.currency,
        customer: customer.id,
        description: describe(order, ctx.productNames),
        status,
        failure,
        // Stripe lists a charge's refunds newest first.
        refunds: [...chargeRefunds].reverse(),
        balance_transaction: status === 'failed' ? null : ids.timed('txn', created),
        payment_intent: paymentIntent,
        card: customer.card,
        billing: { address: customer.address, email, name: customer.name, phone: customer.phone },
        receipt_email: status === 'succeeded' && email ? email.trim() : null,
        receipt_url: `https://pay.stripe.com/receipts/payment/${ids.chars(64)}`,
        authorization_code: ids.chars(6, '0123456789'),
        network_transaction_id: ids.chars(15, '0123456789'),
        metadata: order.utm ? { ...order.utm } : {},
        shipping: physical
          ? {
              address: customer.address ?? { city: person.address.city, country: person.address.country, line1: person.address.line1, line2: null, postal_code: person.address.postal_code, state: person.address.state },
              carrier: CARRIERS[person.address.country] ?? 'DHL',
              name: customer.name ?? `${person.first_name} ${person.last_name}`,
              phone: customer.phone,
              tracking_number: status === 'succeeded' ? rng.chars(12, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ') : null,
            }
          : null,
      }),
    );
  });
  return { charges, refunds };
}

/** Every charge attempt and refund for the world's one-off orders. */
export function buildCharges(ctx: ChargeBuildContext, accounts: readonly PaymentAccounts[]): { charges: StripeCharge[]; refunds: StripeRefund[] } {
  const charges: StripeCharge[] = [];
  const refunds: StripeRefund[] = [];
  for (const { person, primary, duplicate } of accounts) {
    for (const order of person.orders) {
      const built = chargesForOrder(ctx, order, order.uses_duplicate_account && duplicate ? duplicate : primary);
      charges.push(...built.charges);
      refunds.push(...built.refunds);
    }
  }
  return { charges, refunds };
}
