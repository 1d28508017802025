import { invalidParameter } from './graph-errors.js';

/** The `filtering` operators the emulator applies; the Insights reference lists these among others. */
const OPERATORS = ['EQUAL', 'NOT_EQUAL', 'IN', 'NOT_IN', 'CONTAIN', 'NOT_CONTAIN', 'GREATER_THAN', 'LESS_THAN'] as const;
type Operator = (typeof OPERATORS)[number];

/** The fields a filter may name: the object ids, names and delivery statuses of each level, and the ad's impressions. */
export const FILTER_FIELDS = [
  'campaign.id', 'campaign.name', 'campaign.effective_status',
  'adset.id', 'adset.name', 'adset.effective_status',
  'ad.id', 'ad.name', 'ad.effective_status', 'ad.impressions',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** One entry of `filtering=[{"field":"campaign.id","operator":"IN","value":["1","2"]}]`. */
export interface InsightsFilter {
  field: FilterField;
  operator: Operator;
  value: string | number | (string | number)[];
}

/** A parameter that must be a JSON array (`filtering`, `effective_status`), or (#100) with `message`. */
export function jsonArrayParam(raw: string, message: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter(message);
  }
  if (!Array.isArray(parsed)) throw invalidParameter(message);
  return parsed;
}

/** Reads `filtering` (a JSON array of {field, operator, value}); anything else is refused with (#100). */
export function parseFiltering(raw: string | undefined): InsightsFilter[] {
  if (raw === undefined || raw.trim() === '') return [];
  return jsonArrayParam(raw, 'Param filtering must be a JSON array of objects with field, operator and value').map((entry: unknown) => {
    const { field, operator, value } = (entry ?? {}) as Record<string, unknown>;
    if (typeof field !== 'string' || !(FILTER_FIELDS as readonly string[]).includes(field)) throw invalidParameter(`Filtering field ${String(field)} is invalid`);
    if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) throw invalidParameter(`Filtering operator ${String(operator)} is invalid`);
    const list = operator === 'IN' || operator === 'NOT_IN';
    const scalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
    if (list ? !Array.isArray(value) || !value.every(scalar) : !scalar(value)) {
      throw invalidParameter(`Filtering value for ${field} ${operator} must be ${list ? 'an array' : 'a string or a number'}`);
    }
    return { field: field as FilterField, operator: operator as Operator, value: value as InsightsFilter['value'] };
  });
}

/** Whether a row's values (by filter field) pass every filter. */
export function passes(filters: readonly InsightsFilter[], valueOf: (field: FilterField) => string | number): boolean {
  return filters.every((f) => {
    const actual = valueOf(f.field);
    const values = Array.isArray(f.value) ? f.value.map(String) : [String(f.value)];
    switch (f.operator) {
      case 'EQUAL': return String(actual) === values[0];
      case 'NOT_EQUAL': return String(actual) !== values[0];
      case 'IN': return values.includes(String(actual));
      case 'NOT_IN': return !values.includes(String(actual));
      case 'CONTAIN': return String(actual).toLowerCase().includes(values[0]!.toLowerCase());
      case 'NOT_CONTAIN': return !String(actual).toLowerCase().includes(values[0]!.toLowerCase());
      case 'GREATER_THAN': return Number(actual) > Number(values[0]);
      case 'LESS_THAN': return Number(actual) < Number(values[0]);
    }
  });
}
