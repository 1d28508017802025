import { belowLimit, type PaginationSpec, type SourceSpec, type StreamSpec } from '../spec';
import {
  connectionSchema,
  contactSchema,
  contactTagSchema,
  ecomCustomerSchema,
  ecomOrderProductSchema,
  ecomOrderSchema,
  fieldSchema,
  fieldValueSchema,
  tagSchema,
} from './schemas';

/**
 * Contacts page by id (`orders[id]=ASC` + `id_greater`), as ActiveCampaign's pagination guide
 * advises for large accounts: offsets grow slow there, and an id never moves when a contact is
 * edited mid-sync, so no page boundary can slip past a record.
 */
const CONTACT_PAGING: PaginationSpec = { type: 'after_last_id', pageSizeParam: 'limit', pageSize: 100, afterParam: 'id_greater', idField: 'id' };

/** A list the API cannot filter by date: read whole on every sync, 100 at a time by offset. */
const whole = (name: string, path: string, recordsPath: string, cursorField: string, schema: StreamSpec['schema']): StreamSpec => ({
  name,
  path,
  recordsPath,
  primaryKey: 'id',
  cursorField,
  schema,
});

/**
 * ActiveCampaign API v3. The connection's base URL is the account URL (`https://<account>.api-us1.com`).
 * Only contacts can be filtered by date; the other lists are small enough, or have no filter, and
 * are read whole on every sync.
 */
export const activecampaignSource: SourceSpec = {
  name: 'activecampaign',
  auth: { type: 'header', name: 'Api-Token' },
  // `meta.total` is a string ("5"); the pager reads it as a number.
  pagination: { type: 'offset', limitParam: 'limit', offsetParam: 'offset', pageSize: 100, totalPath: 'meta.total' },
  // https://developers.activecampaign.com/reference/rate-limits: 5 requests a second per account,
  // one budget for every key and integration on the account, writes included.
  requestsPerSecond: { live: belowLimit(5, 'shared'), sandbox: belowLimit(5, 'shared') },
  // Answers name the account's limit (`RateLimit-Limit`, a second's budget) and what is left of it
  // (`RateLimit-Remaining`); a 429 adds `Retry-After` in seconds. The connection keeps the shared
  // margin below the named limit and sits out the second when the budget is spent.
  rateLimitHeader: 'ratelimit-limit',
  rateBudget: 'shared',
  rateLimitRemainingHeader: 'ratelimit-remaining',
  rateLimitWindowMs: 1000,
  // The date filters may read the bounds in the account's zone or to the day: two days of overlap
  // cover both, and staging keeps one version of each contact.
  lookbackSeconds: 2 * 86_400,
  describeError(body) {
    const b = body as { message?: string; errors?: { title?: string; detail?: string }[] } | undefined;
    if (b?.errors?.length) return b.errors.map((e) => [e.title, e.detail].filter(Boolean).join(': ')).join('; ');
    return b?.message ?? 'no error body';
  },
  streams: [
    {
      name: 'contacts',
      path: '/api/3/contacts',
      recordsPath: 'contacts',
      primaryKey: 'id',
      cursorField: 'udate',
      params: { 'orders[id]': 'ASC' },
      pagination: CONTACT_PAGING,
      window: { fromParam: 'filters[updated_after]', toParam: 'filters[updated_before]', format: 'iso_datetime' },
      schema: contactSchema,
    },
    whole('tags', '/api/3/tags', 'tags', 'cdate', tagSchema),
    whole('contact_tags', '/api/3/contactTags', 'contactTags', 'cdate', contactTagSchema),
    whole('fields', '/api/3/fields', 'fields', 'udate', fieldSchema),
    whole('field_values', '/api/3/fieldValues', 'fieldValues', 'udate', fieldValueSchema),
    whole('ecom_customers', '/api/3/ecomCustomers', 'ecomCustomers', 'tstamp', ecomCustomerSchema),
    whole('ecom_orders', '/api/3/ecomOrders', 'ecomOrders', 'updatedDate', ecomOrderSchema),
    whole('ecom_order_products', '/api/3/ecomOrderProducts', 'ecomOrderProducts', 'updatedDate', ecomOrderProductSchema),
    whole('connections', '/api/3/connections', 'connections', 'udate', connectionSchema),
  ],
};
