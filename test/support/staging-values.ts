import { expect } from 'vitest';

/** Rows of `key, n` as a record of numbers (sums travel as text: BIGINT exceeds JSON's safe range in general). */
export const asRecord = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [String(r.key), Number(r.n)]));

/** A decimal string ("123.4500", "18.4") in minor units, rounded half away from zero, without floating point. */
export function decimalToMinor(decimal: string): number {
  const negative = decimal.startsWith('-');
  const [whole, fraction = ''] = decimal.replace(/^-/, '').split('.');
  const tenThousandths = Number(whole) * 10_000 + Number(`${fraction}0000`.slice(0, 4));
  const minor = Math.floor(tenThousandths / 100) + (tenThousandths % 100 >= 50 ? 1 : 0);
  return negative ? -minor : minor;
}

/** An emulator's JSON answer to a GET, which must succeed. */
export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}
