/** Small helpers for talking to the Stripe emulator over real HTTP in tests. */

export const TEST_KEY = 'sk_test_emulator_suite_key';
export const LIVE_KEY = 'sk_live_x_emulator_suite';

export interface StripeList<T = StripeObject> {
  object: 'list';
  url: string;
  has_more: boolean;
  data: T[];
}

export interface StripeObject {
  id: string;
  object: string;
  created: number;
  livemode: boolean;
  [key: string]: unknown;
}

/** GETs a path with a bearer key (and a `Stripe-Version`, when given) and returns status, headers and parsed body. */
export async function get<T = unknown>(baseUrl: string, path: string, key: string | null = TEST_KEY, version?: string): Promise<{ status: number; headers: Headers; body: T }> {
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  if (version !== undefined) headers['stripe-version'] = version;
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** Pages through a whole list with limit=100 and starting_after (in `version`, when given), returning every object in order. */
export async function listAll(baseUrl: string, resource: string, params = '', key = TEST_KEY, version?: string): Promise<StripeObject[]> {
  const all: StripeObject[] = [];
  let cursor = '';
  for (;;) {
    const { status, body } = await get<StripeList>(baseUrl, `/v1/${resource}?limit=100${params}${cursor}`, key, version);
    if (status !== 200) throw new Error(`GET /v1/${resource} answered ${status}: ${JSON.stringify(body)}`);
    all.push(...body.data);
    if (!body.has_more) return all;
    cursor = `&starting_after=${body.data[body.data.length - 1]!.id}`;
  }
}

/** True when `items` are in Stripe's list order: newest first, ties by id descending. */
export function isNewestFirst(items: readonly { id: string; created: number }[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!;
    const b = items[i]!;
    if (a.created < b.created || (a.created === b.created && a.id <= b.id)) return false;
  }
  return true;
}
