// Currency codes and their minor units, as the models store money: an integer count of the
// currency's smallest unit, 10^digits of them to one unit (Stripe's zero- and three-decimal lists).

const ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'] as const;
const THREE_DECIMAL = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'] as const;

const sqlList = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(',');

/** 10^digits of a currency's minor unit, in SQL over a column of currency codes. */
export function currencyFactorSql(currencyColumn: string): string {
  return `(case when upper(${currencyColumn}) in (${sqlList(ZERO_DECIMAL)}) then 1.0
    when upper(${currencyColumn}) in (${sqlList(THREE_DECIMAL)}) then 1000.0 else 100.0 end)`;
}

/** Digits after the decimal point of an amount in the currency (JPY 0, USD 2, KWD 3); the same rule as currencyFactorSql. */
export function minorUnitDigits(code: string): number {
  const upper = code.toUpperCase();
  if ((ZERO_DECIMAL as readonly string[]).includes(upper)) return 0;
  return (THREE_DECIMAL as readonly string[]).includes(upper) ? 3 : 2;
}

/** The ISO 4217 codes in use, as the runtime's ICU knows them (withdrawn ones like DEM are not), sorted. */
export const CURRENCY_CODES: readonly string[] = [...new Set([...Intl.supportedValuesOf('currency'), ...ZERO_DECIMAL, ...THREE_DECIMAL])].sort();
const KNOWN_CODES: ReadonlySet<string> = new Set(CURRENCY_CODES);

/** Whether `code` is an ISO 4217 currency code in use, in any case. */
export const isCurrencyCode = (code: string): boolean => /^[A-Za-z]{3}$/.test(code) && KNOWN_CODES.has(code.toUpperCase());

/** Whether a major-unit amount has no more decimals than the currency's minor unit holds (49.99 USD yes, 100.5 JPY no). */
export function fitsMinorUnits(amount: number, code: string): boolean {
  const factor = 10 ** minorUnitDigits(code);
  const minor = amount * factor;
  // 0.29 * 100 is 28.999999999999996 in binary: a hair from a whole number still is one.
  return Math.abs(minor - Math.round(minor)) <= 1e-9 * Math.max(1, Math.abs(minor));
}
