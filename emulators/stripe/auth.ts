export type KeyMode = 'test' | 'live';

/** The API key in an `Authorization` header: `Bearer <key>` or HTTP Basic with the key as user name. */
export function apiKeyFrom(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || null;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0] ?? '';
    return user || null;
  }
  return null;
}

/** Whether a key acts on live or test data, read from its prefix as Stripe does (`sk_live_`, `rk_live_` are live). */
export function keyMode(key: string): KeyMode {
  return /^[a-z]{2}_live_/.test(key) ? 'live' : 'test';
}

/** The key as Stripe prints it in errors: the prefix and last four characters, the rest starred. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? '';
  const tail = key.length - prefix.length > 4 ? key.slice(-4) : '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - tail.length))}${tail}`;
}
