import type { FieldSpec } from './catalog';
import { fitsMinorUnits, isCurrencyCode, minorUnitDigits } from './currencies';

// Money per currency: the customer's amounts in one currency's orders only, exact and never
// converted, from marts.customer_revenue_by_currency (alias r). `amount_spent` stays the total in
// the reporting currency; `{field: amount_spent_in, currency: USD, op: between, value: [100, 1000]}`
// asks about USD orders alone, in USD.

/** Where the amounts per currency are read, one row per customer and currency they paid in. */
export const REVENUE_BY_CURRENCY = 'marts.customer_revenue_by_currency';

/** Without orders in the currency an amount is 0, never empty: the comparisons, no emptiness tests. */
export const AMOUNT_IN_CURRENCY_OPERATORS = ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between'] as const;

const inCurrency = (column: string, what: string): FieldSpec => ({
  type: 'money',
  sql: `r.${column}`,
  description: `${what} in one currency's orders only, in that currency, never converted (needs currency: USD; 0 without such orders)`,
  currency: true,
  operators: AMOUNT_IN_CURRENCY_OPERATORS,
});

/** The per-currency forms of the customer's money fields; `sql` is the column in minor units over `r`. */
export const AMOUNTS_IN_CURRENCY: Record<string, FieldSpec> = {
  amount_spent_in: inCurrency('amount_spent_minor', 'lifetime value'),
  net_revenue_in: inCurrency('net_revenue_minor', 'lifetime value less refunds'),
  discount_received_in: inCurrency('discount_received_minor', 'discounts received'),
  refunded_amount_in: inCurrency('refunded_amount_minor', 'refunded'),
};

/** What is wrong with a rule's currency (code, upper-case), or undefined when it is one. */
export function currencyProblem(raw: unknown, field: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return `${field} needs a currency, e.g. currency: USD (${field.replace(/_in$/, '')} is the total in the reporting currency)`;
  if (typeof raw !== 'string') return `expected a currency code such as USD or EUR, got ${JSON.stringify(raw)}`;
  if (!isCurrencyCode(raw.trim())) return `unknown currency ${JSON.stringify(raw)}; use a three-letter ISO 4217 code such as USD, EUR or JPY`;
  return undefined;
}

/** What is wrong with an amount in a currency whose minor unit it does not fit, or undefined. */
export function amountProblem(amount: number, currency: string): string | undefined {
  if (fitsMinorUnits(amount, currency)) return undefined;
  const digits = minorUnitDigits(currency);
  return digits === 0
    ? `${currency} has no minor unit: ${amount} is not an amount in ${currency}; use whole units`
    : `an amount in ${currency} has at most ${digits} decimals, got ${amount}`;
}

/** A major-unit amount as the minor units the model stores (49.99 USD -> 4999, 100 JPY -> 100). */
export const toMinorUnits = (amount: number, currency: string): number => Math.round(amount * 10 ** minorUnitDigits(currency));
