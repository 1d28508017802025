import { expect } from 'vitest';
import { startTalonOneEmulator, type TalonOneEmulator, type TalonOneGroundTruth } from '../../../emulators/talonone';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Page<T> {
  hasMore?: boolean;
  totalResultSize?: number;
  data: T[];
}

/** A loyalty transaction as the transaction lists print it: the fields the tests read. */
export interface TxView {
  id: number;
  created: string;
  type: 'addition' | 'subtraction';
  amount: number;
  name: string;
  startDate: string;
  expiryDate: string;
  customerProfileId: string;
  customerSessionId?: string;
  subledgerId: string;
  userEmail?: string;
  validityDuration?: string;
  flags: { createsNegativeBalance: boolean };
}

/** GET with `Authorization: ManagementKey-v1 <key>` (the live key unless told otherwise; null sends no header). */
export async function t1Get<T = unknown>(em: TalonOneEmulator, path: string, key: string | null = em.apiKeys.live, scheme = 'ManagementKey-v1'): Promise<Answer<T>> {
  const headers: Record<string, string> = key === null ? {} : { authorization: `${scheme} ${key}` };
  const response = await fetch(`${em.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Pages a `{ hasMore, data }` list with `pageSize`/`skip` until hasMore is false, checking every page's size. */
export async function t1PageAll<T>(em: TalonOneEmulator, path: string, pageSize: number, key = em.apiKeys.live): Promise<T[]> {
  const all: T[] = [];
  const joiner = path.includes('?') ? '&' : '?';
  for (let skip = 0; ; skip += pageSize) {
    const { status, body } = await t1Get<Page<T>>(em, `${path}${joiner}pageSize=${pageSize}&skip=${skip}`, key);
    expect(status, path).toBe(200);
    expect(body.data.length).toBeLessThanOrEqual(pageSize);
    all.push(...body.data);
    if (!body.hasMore) return all;
    expect(body.data.length).toBe(pageSize);
  }
}

/** POST /_emulator/mutate. */
export async function t1Mutate<T = Record<string, unknown>>(em: TalonOneEmulator, body: unknown): Promise<Answer<T>> {
  const response = await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** Starts an emulator for a suite, rate limiting off, and reads its ground truth. */
export async function startSuiteEmulator(seed: number, scale: number): Promise<{ em: TalonOneEmulator; truth: TalonOneGroundTruth }> {
  const em = await startTalonOneEmulator({ seed, scale, rateLimitPerSecond: 0 });
  return { em, truth: em.truth() };
}
