import type { TcTransaction, TransactionType } from './types.js';

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
const TYPES = ['any', 'charge', 'rebill', 'refund', 'cancel'] as const;

/** A 400 answer with ThriveCart's `{ error, error_description }` body. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

export interface TransactionQuery {
  page: number;
  perPage: number;
  type: TransactionType | null;
  /** Lower-cased search text: matches customer email or name, order id or invoice id. */
  search: string | null;
  /** Upper-case currency code. */
  currency: string | null;
}

/** Reads page, perPage (1–100, default 25), transactionType, query and currency; blank values mean "not given". */
export function parseTransactionQuery(params: Record<string, string>): TransactionQuery {
  const int = (key: string, fallback: number, max: number): number => {
    const raw = params[key]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new BadRequest(`${key} must be a whole number from 1 to ${max} (you provided "${raw}").`);
    return Number(raw);
  };
  const type = (params.transactionType ?? '').trim().toLowerCase() || 'any';
  if (!(TYPES as readonly string[]).includes(type)) throw new BadRequest(`Invalid transaction type provided (you provided "${type}").`);
  const search = (params.query ?? '').trim().toLowerCase();
  const currency = (params.currency ?? '').trim().toUpperCase();
  return {
    page: int('page', 1, Number.MAX_SAFE_INTEGER),
    perPage: int('perPage', DEFAULT_PER_PAGE, MAX_PER_PAGE),
    type: type === 'any' ? null : (type as TransactionType),
    search: search === '' ? null : search,
    currency: currency === '' ? null : currency,
  };
}

/** The matching transactions (already newest first) and the requested page of them. */
export function pageOfTransactions(all: readonly TcTransaction[], q: TransactionQuery): { total: number; page: TcTransaction[] } {
  const matching = all.filter(
    (t) =>
      (q.type === null || t.transaction_type === q.type) &&
      (q.currency === null || t.currency === q.currency) &&
      (q.search === null ||
        t.customer.email.trim().toLowerCase().includes(q.search) ||
        t.customer.name.toLowerCase().includes(q.search) ||
        t.order_id === q.search ||
        t.invoice_id === q.search),
  );
  return { total: matching.length, page: matching.slice((q.page - 1) * q.perPage, q.page * q.perPage) };
}
