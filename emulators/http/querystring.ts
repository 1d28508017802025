/** Query parameters by their literal (decoded) names: `created[gte]` stays one key, repeated keys become arrays. */
export type FlatQuery = Record<string, string | string[]>;

/**
 * Parses a query string without interpreting brackets, so `created%5Bgte%5D=1` arrives as `{ 'created[gte]': '1' }`
 * exactly as API clients (Stripe's, form-encoding nested params) send it.
 */
export function parseFlatQuery(query: string): FlatQuery {
  const out: FlatQuery = Object.create(null) as FlatQuery;
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}
