const SYMBOLS: Readonly<Record<string, string>> = { usd: '$', eur: '€', gbp: '£' };

/** Formats minor units the way Stripe writes amounts in line descriptions, e.g. `$29.00`. */
export function formatMoney(amountMinor: number, currency: string): string {
  return `${SYMBOLS[currency] ?? currency.toUpperCase() + ' '}${(amountMinor / 100).toFixed(2)}`;
}
