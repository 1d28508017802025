import type { StripeAddress } from './common.js';

export interface CustomerInput {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  phone: string | null;
  address: StripeAddress | null;
  currency: string | null;
  delinquent: boolean;
  invoice_prefix: string;
  next_invoice_sequence: number;
  default_payment_method: string | null;
  preferred_locales: string[];
  shipping: { address: StripeAddress; name: string; phone: string | null } | null;
  /** What the sign-up form wrote on the customer: its acquisition `utm_source`, `utm_medium`, `utm_campaign`. */
  metadata: Record<string, string>;
}

/** A Stripe `customer` with every field of the API's customer object. */
export function customerObject(c: CustomerInput) {
  return {
    id: c.id,
    object: 'customer' as const,
    address: c.address,
    balance: 0,
    created: c.created,
    currency: c.currency,
    default_source: null,
    delinquent: c.delinquent,
    description: null,
    discount: null,
    email: c.email,
    invoice_prefix: c.invoice_prefix,
    invoice_settings: { custom_fields: null, default_payment_method: c.default_payment_method, footer: null, rendering_options: null },
    livemode: false,
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: c.next_invoice_sequence,
    phone: c.phone,
    preferred_locales: c.preferred_locales,
    shipping: c.shipping,
    tax_exempt: 'none' as const,
    test_clock: null,
  };
}

export type StripeCustomer = ReturnType<typeof customerObject>;
