// Stripe writes its decimal fields as decimals: a coupon's whole `percent_off` is `20.0`, where
// JavaScript writes `20`. The emulator serves them as Stripe does, so what a client keeps of an
// answer's text can be checked against what Stripe sends.

/** A decimal field holding a whole number, as `JSON.stringify` writes it. */
const WHOLE_DECIMAL = /"percent_off":(-?\d+)(?=[,}])/g;

/** The JSON text with Stripe's decimal fields written as Stripe writes them. */
export function withStripeDecimals(json: string): string {
  return json.replace(WHOLE_DECIMAL, '"percent_off":$1.0');
}
