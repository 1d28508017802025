import type { FlatQuery } from '../http/querystring.js';
import type { CreatedRange } from './collection.js';
import { invalidParam, StripeApiError } from './errors.js';

/** How a list filter's value is checked before it is used. */
export type FilterValue = { kind: 'string' } | { kind: 'boolean' } | { kind: 'enum'; values: readonly string[] };

/** A list endpoint's filter parameter, e.g. `customer` on /v1/charges. */
export interface FilterSpec<T> {
  param: string;
  value: FilterValue;
  matches: (item: T, value: string) => boolean;
  /** Applied when the parameter is absent (Stripe leaves canceled subscriptions out unless asked). */
  whenAbsent?: (item: T) => boolean;
  /**
   * An array parameter (`types[]=a&types[]=b`, also `types[0]` or a bare repeated `types`) of at most
   * `max` values; an item matches when it matches any of them.
   */
  list?: { max: number };
  /** A parameter this one may not be given with (Stripe's `type` and `types` on /v1/events). */
  exclusiveWith?: string;
  /**
   * A timestamp range over this field, given like `created`: `param=T` or `param[gt|gte|lt|lte]=T`
   * (Stripe's `due_date`, `current_period_end`). An item whose field is null matches no range.
   * `matches` is not called for a range filter.
   */
  range?: (item: T) => number | null;
}

export interface ListQuery<T> {
  limit: number;
  startingAfter: string | null;
  endingBefore: string | null;
  created: CreatedRange;
  /** Every filter given, combined; null when none applies. */
  matches: ((item: T) => boolean) | null;
  expand: string[];
}

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
const CREATED_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

/** The last value of a parameter (clients that repeat a scalar mean the last one). */
function single(query: FlatQuery, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function parseInteger(param: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw invalidParam(param, `Invalid integer: ${raw}`, 'parameter_invalid_integer');
  return Number(raw.trim());
}

/** Whether a query key is a range parameter: `param` or `param[gt|gte|lt|lte]`. */
function isRangeKey(key: string, param: string): boolean {
  return key === param || CREATED_OPS.some((op) => key === `${param}[${op}]`);
}

/** The bounds a range parameter sets, both inclusive; null when the request does not give it. */
function parseRange(query: FlatQuery, param: string): CreatedRange | null {
  if (!Object.keys(query).some((key) => isRangeKey(key, param))) return null;
  const range: CreatedRange = { min: -Infinity, max: Infinity };
  const exact = single(query, param);
  if (exact !== undefined) {
    const t = parseInteger(param, exact);
    range.min = Math.max(range.min, t);
    range.max = Math.min(range.max, t);
  }
  for (const op of CREATED_OPS) {
    const raw = single(query, `${param}[${op}]`);
    if (raw === undefined) continue;
    const t = parseInteger(`${param}[${op}]`, raw);
    if (op === 'gt') range.min = Math.max(range.min, t + 1);
    if (op === 'gte') range.min = Math.max(range.min, t);
    if (op === 'lt') range.max = Math.min(range.max, t - 1);
    if (op === 'lte') range.max = Math.min(range.max, t);
  }
  return range;
}

/** Values of `expand[]`, `expand[0]`, ... or a bare `expand`. */
export function expandParams(query: FlatQuery): string[] {
  return arrayValues(query, 'expand');
}

/** Rejects any parameter the endpoint does not know, as Stripe does. */
export function rejectUnknownParams(query: FlatQuery, known: (key: string) => boolean): void {
  for (const key of Object.keys(query)) {
    if (!known(key)) throw invalidParam(key, `Received unknown parameter: ${key}`, 'parameter_unknown');
  }
}

function isExpandKey(key: string): boolean {
  return isArrayKey(key, 'expand');
}

/** Whether a query key carries values of the array parameter `param`: `param`, `param[]` or `param[N]`. */
function isArrayKey(key: string, param: string): boolean {
  return key === param || key === `${param}[]` || (key.startsWith(`${param}[`) && /^\[\d+\]$/.test(key.slice(param.length)));
}

/** Every value of an array parameter, in the order given. */
function arrayValues(query: FlatQuery, param: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(query)) if (isArrayKey(key, param)) out.push(...(Array.isArray(value) ? value : [value]));
  return out;
}

/** Validates a list request's query the way Stripe does and turns it into a page request. */
export function parseListQuery<T>(query: FlatQuery, filters: readonly FilterSpec<T>[]): ListQuery<T> {
  const filterParams = new Set(filters.map((f) => f.param));
  const listParams = filters.filter((f) => f.list).map((f) => f.param);
  const rangeParams = ['created', ...filters.filter((f) => f.range).map((f) => f.param)];
  rejectUnknownParams(
    query,
    (key) =>
      key === 'limit' || key === 'starting_after' || key === 'ending_before' || rangeParams.some((p) => isRangeKey(key, p)) ||
      isExpandKey(key) || filterParams.has(key) || listParams.some((p) => isArrayKey(key, p)),
  );

  let limit = DEFAULT_LIMIT;
  const rawLimit = single(query, 'limit');
  if (rawLimit !== undefined && rawLimit !== '') {
    limit = parseInteger('limit', rawLimit);
    if (limit < 1) throw invalidParam('limit', `This value must be greater than or equal to 1.`, 'parameter_invalid_integer');
    if (limit > MAX_LIMIT) throw invalidParam('limit', `This value must be less than or equal to ${MAX_LIMIT} (it currently is '${limit}').`, 'parameter_invalid_integer');
  }

  const startingAfter = single(query, 'starting_after') || null;
  const endingBefore = single(query, 'ending_before') || null;
  if (startingAfter && endingBefore) {
    throw new StripeApiError(400, 'invalid_request_error', 'You may only specify one of these parameters: ending_before, starting_after.', undefined, 'ending_before');
  }

  const created: CreatedRange = parseRange(query, 'created') ?? { min: -Infinity, max: Infinity };

  const active: ((item: T) => boolean)[] = [];
  const given = (spec: FilterSpec<T>) => Object.keys(query).some((key) => (spec.list ? isArrayKey(key, spec.param) : key === spec.param));
  for (const spec of filters) {
    if (spec.range) {
      const range = parseRange(query, spec.param);
      const field = spec.range;
      if (range) active.push((item) => {
        const t = field(item);
        return t !== null && t >= range.min && t <= range.max;
      });
      continue;
    }
    if (spec.exclusiveWith && given(spec) && Object.keys(query).some((key) => key === spec.exclusiveWith || isArrayKey(key, spec.exclusiveWith!))) {
      throw invalidParam(spec.param, `You may only specify one of these parameters: ${spec.exclusiveWith}, ${spec.param}.`);
    }
    if (spec.list) {
      const values = arrayValues(query, spec.param);
      if (values.length === 0) continue;
      if (values.length > spec.list.max) throw invalidParam(spec.param, `You may pass at most ${spec.list.max} values for ${spec.param}.`);
      active.push((item) => values.some((v) => spec.matches(item, v)));
      continue;
    }
    const raw = single(query, spec.param);
    if (raw === undefined) {
      if (spec.whenAbsent) active.push(spec.whenAbsent);
      continue;
    }
    const v = spec.value;
    if (v.kind === 'boolean' && raw !== 'true' && raw !== 'false') throw invalidParam(spec.param, `Invalid boolean: ${raw}`, 'parameter_invalid_boolean');
    if (v.kind === 'enum' && !v.values.includes(raw)) throw invalidParam(spec.param, `Invalid ${spec.param}: must be one of ${v.values.join(', ')}`, 'parameter_invalid_string');
    if (v.kind === 'string' && raw === '') throw invalidParam(spec.param, `You passed an empty string for '${spec.param}'. We assume empty values are an attempt to unset a parameter; however '${spec.param}' cannot be unset. You should remove '${spec.param}' from your request or supply a non-empty value.`, 'parameter_invalid_empty');
    active.push((item) => spec.matches(item, raw));
  }
  const matches = active.length === 0 ? null : (item: T) => active.every((test) => test(item));
  return { limit, startingAfter, endingBefore, created, matches, expand: expandParams(query) };
}
