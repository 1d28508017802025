import type { Problem } from '../../server/api-schema';

// Talks to the cdp serve API: JSON in and out, the session cookie sent by the browser, and the
// session's CSRF token in a header on every request that changes something. The request and
// answer shapes are the server's own (server/api-schema.ts), imported for their types only.

export type * from '../../server/api-schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when any request finds the session gone (signed out elsewhere, expired). */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = (await response.json().catch(() => ({}))) as { error?: string; problems?: Problem[] };
  if (!response.ok) {
    if (response.status === 401 && url !== '/api/session') onSignedOut();
    throw new ApiError(response.status, data.error ?? `HTTP ${response.status}`, data.problems ?? []);
  }
  return data as T;
}

export const get = <T>(url: string) => api<T>('GET', url);

/** A query string from the values that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
