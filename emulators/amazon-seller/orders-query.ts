import { z } from 'zod';
import type { FlatQuery } from '../http/querystring.js';
import { invalidInput } from './errors.js';
import { isMarketplaceId } from './marketplaces.js';
import { ORDER_STATUSES, type FulfillmentChannel, type OrderStatus } from './types.js';

/** How far behind the request a `...Before` bound must stay: Amazon's order data settles within two minutes. */
export const SETTLING_MS = 2 * 60_000;
export const MAX_RESULTS_PER_PAGE = 100;
const MAX_LIST_ITEMS = 50;

/** Which orders a getOrders call (and every NextToken page after it) selects. */
export interface OrdersFilter {
  /** `created` filters and sorts by PurchaseDate, `updated` by LastUpdateDate; both bounds are inclusive. */
  by: 'created' | 'updated';
  afterMs: number;
  beforeMs: number;
  marketplaceIds: string[];
  statuses: OrderStatus[] | null;
  channels: FulfillmentChannel[] | null;
  orderIds: string[] | null;
}

/** One page to serve: the filter, the page size and the last order the previous page ended with. */
export interface OrdersPageRequest {
  filter: OrdersFilter;
  pageSize: number;
  after: { ms: number; id: string } | null;
}

const tokenSchema = z.object({
  by: z.enum(['created', 'updated']),
  afterMs: z.number(),
  beforeMs: z.number(),
  marketplaceIds: z.array(z.string()),
  statuses: z.array(z.enum(ORDER_STATUSES)).nullable(),
  channels: z.array(z.enum(['MFN', 'AFN'])).nullable(),
  orderIds: z.array(z.string()).nullable(),
  pageSize: z.number().int().min(1).max(MAX_RESULTS_PER_PAGE),
  after: z.object({ ms: z.number(), id: z.string() }),
});

/** An opaque NextToken: standard base64 (with `+`, `/` and `=`, as Amazon's are), so clients must URL-encode it. */
export function nextTokenOf(page: OrdersPageRequest, last: { ms: number; id: string }): string {
  return Buffer.from(JSON.stringify({ ...page.filter, pageSize: page.pageSize, after: last })).toString('base64');
}

function pageFromToken(token: string): OrdersPageRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = tokenSchema.safeParse(parsed);
  if (!result.success) throw invalidInput('Invalid NextToken.', 'Pass NextToken exactly as the previous response returned it.');
  const { pageSize, after, ...filter } = result.data;
  return { filter, pageSize, after };
}

/** A comma-separated (or repeated) list parameter. */
export function listParam(query: FlatQuery, name: string): string[] | null {
  const raw = query[name];
  if (raw === undefined) return null;
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return items.length > 0 ? items : null;
}

function single(query: FlatQuery, name: string): string | undefined {
  const raw = query[name];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

/** An ISO 8601 date or date-time (UTC unless it names an offset), or a 400 naming the field as the API does. */
export function isoParam(text: string, field: string): number {
  const t = text.trim();
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  const normalized = m?.[4] ? t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${t}${m?.[1] ? 'Z' : ''}`;
  const ms = m ? Date.parse(normalized) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput('This is an invalid input', `Invalid date-time field(s) [${field}].`);
  return ms;
}

function enumList<T extends string>(query: FlatQuery, name: string, allowed: readonly T[]): T[] | null {
  const items = listParam(query, name);
  const bad = items?.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) throw invalidInput(`${bad} is not a valid value for ${name}. Use one of ${allowed.join(', ')}.`);
  return items as T[] | null;
}

function marketplaceIdsOf(query: FlatQuery): string[] {
  const ids = listParam(query, 'MarketplaceIds');
  if (ids === null) throw invalidInput('Missing required parameter: MarketplaceIds.');
  if (ids.length > MAX_LIST_ITEMS) throw invalidInput(`MarketplaceIds takes at most ${MAX_LIST_ITEMS} values.`);
  const unknown = ids.find((id) => !isMarketplaceId(id));
  if (unknown !== undefined) throw invalidInput(`Invalid MarketplaceId: ${unknown}.`);
  return ids;
}

function pageSizeOf(query: FlatQuery): number {
  const raw = single(query, 'MaxResultsPerPage');
  if (raw === undefined) return MAX_RESULTS_PER_PAGE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_RESULTS_PER_PAGE) throw invalidInput(`MaxResultsPerPage must be an integer from 1 to ${MAX_RESULTS_PER_PAGE}; got "${raw}".`);
  return n;
}

/** The time window: exactly one `...After`, its own `...Before` at most, and that at least two minutes in the past. */
function windowOf(query: FlatQuery, nowMs: number): Pick<OrdersFilter, 'by' | 'afterMs' | 'beforeMs'> {
  const createdAfter = single(query, 'CreatedAfter');
  const updatedAfter = single(query, 'LastUpdatedAfter');
  if (createdAfter !== undefined && updatedAfter !== undefined) throw invalidInput('CreatedAfter and LastUpdatedAfter cannot both be set; use exactly one.');
  if (createdAfter === undefined && updatedAfter === undefined) throw invalidInput('Either CreatedAfter or LastUpdatedAfter is required.');
  const by = createdAfter !== undefined ? 'created' : 'updated';
  const [afterName, beforeName, otherBefore] = by === 'created' ? ['CreatedAfter', 'CreatedBefore', 'LastUpdatedBefore'] : ['LastUpdatedAfter', 'LastUpdatedBefore', 'CreatedBefore'];
  if (single(query, otherBefore) !== undefined) throw invalidInput(`${otherBefore} cannot be set when ${afterName} is set.`);
  const afterMs = isoParam((createdAfter ?? updatedAfter)!, afterName.charAt(0).toLowerCase() + afterName.slice(1));
  if (afterMs > nowMs) throw invalidInput(`${afterName} must not be in the future.`);
  const beforeText = single(query, beforeName);
  if (beforeText === undefined) return { by, afterMs, beforeMs: Math.floor(nowMs / 1000) * 1000 };
  const beforeMs = isoParam(beforeText, beforeName.charAt(0).toLowerCase() + beforeName.slice(1));
  if (beforeMs < afterMs) throw invalidInput(`${beforeName} must be equal to or after ${afterName}.`);
  if (beforeMs > nowMs - SETTLING_MS) {
    throw invalidInput('The input you have submitted is not valid. Please check your input and try again.', `${beforeName} must be at least two minutes before the time of the request.`);
  }
  return { by, afterMs, beforeMs };
}

/** Reads a getOrders query: a first page from the filters, or a later one from NextToken (which carries them). */
export function parseOrdersQuery(query: FlatQuery, nowMs: number): OrdersPageRequest {
  const marketplaceIds = marketplaceIdsOf(query);
  const token = single(query, 'NextToken');
  if (token !== undefined && token !== '') return pageFromToken(token);
  const orderIds = listParam(query, 'AmazonOrderIds');
  if (orderIds !== null && orderIds.length > MAX_LIST_ITEMS) throw invalidInput(`AmazonOrderIds takes at most ${MAX_LIST_ITEMS} values.`);
  return {
    filter: {
      ...windowOf(query, nowMs),
      marketplaceIds,
      statuses: enumList(query, 'OrderStatuses', ORDER_STATUSES),
      channels: enumList(query, 'FulfillmentChannels', ['MFN', 'AFN'] as const),
      orderIds,
    },
    pageSize: pageSizeOf(query),
    after: null,
  };
}
