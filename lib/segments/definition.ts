import { z } from 'zod';
import { ConfigError } from '../errors';
import { amountProblem, currencyProblem } from './amounts-in-currency';
import { CUSTOMER_FIELDS, ENTITIES, entityNamed, fieldNamed, isOperatorOf, NO_VALUE, operatorsOf, type FieldSpec } from './catalog';
import { MAX_RULE_DEPTH, MAX_TEXT_DEPTH, textNestingBound, TOO_DEEP } from './nesting';

// A segment definition: a name, an environment and a tree of rules. Validation walks the tree and
// names every problem by its path (`rules.all[1].any[0].op`) with the choices that would be valid.

export type Value = string | number;

export interface Condition {
  field: string;
  op: string;
  value?: Value | Value[];
  /** The currency of an amount per currency (`amount_spent_in`), upper-case. */
  currency?: string;
}

export interface HasRule {
  has: string;
  where?: Rule;
  count?: { op: string; value: number | number[] };
}

export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition | HasRule;

export interface SegmentDefinition {
  name: string;
  /**
   * What membership, history, owners and grants hang on, so a later segment of the same name never
   * inherits them. A file without one (written by hand, or before segments had ids) is identified by
   * its name; read it with segmentIdOf.
   */
  id?: string;
  environment: 'live' | 'sandbox';
  description?: string;
  rules: Rule;
}

export const SEGMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A segment id: cdp writes a random UUID; a name is one too. */
export const SEGMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The id a segment's membership, history, owners and grants hang on: the one its file states, else its name. */
export const segmentIdOf = (definition: Pick<SegmentDefinition, 'id' | 'name'>): string => definition.id ?? definition.name;

const headerSchema = z.strictObject({
  name: z.string().regex(SEGMENT_NAME, 'lower-case letters, digits, - and _ (at most 64)'),
  id: z.string().regex(SEGMENT_ID, 'letters, digits, - and _ (at most 64)').optional(),
  environment: z.enum(['live', 'sandbox']).default('live'),
  description: z.string().optional(),
  rules: z.unknown().refine((r) => r !== undefined && r !== null, 'rules are required: an `all` or `any` group, or a condition'),
});

const RULE_KEYS = ['all', 'any', 'not', 'field', 'has'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const typeName = (spec: FieldSpec) => (spec.choices ? `${spec.type}: ${spec.choices.join(', ')}` : spec.type);
const fmtPath = (path: (string | number)[]) => (path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '') : '(top level)');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ownKeys = (raw: Record<string, unknown>, keys: readonly string[]) => keys.filter((k) => Object.hasOwn(raw, k));

/** Text that holds nothing but white space: any Unicode space, line break or tab, and the zero-width ones \s leaves out (compile.ts's BLANK_TEXT_SQL is the same set). */
const BLANK = /^[\s\u0085\u180E\u200B-\u200D\u2060\uFEFF]*$/u;

/** Whether a text value is empty for a rule: nothing, or only white space. */
export const isBlankText = (text: string): boolean => BLANK.test(text);

/** A value as shown in a problem: JSON, cut short, and never a failure of its own (a value may nest deeper than JSON.stringify goes). */
function shown(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return 'a value nested too deep to show';
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One thing wrong with a definition: where in the rules (`rules.all[1].value`) and what. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

class Problems {
  readonly items: DefinitionProblem[] = [];
  add(path: (string | number)[], message: string): void {
    this.items.push({ path: fmtPath(path), message });
  }
}

/** A definition that does not validate, with every problem as data (for a builder that shows each beside its rule) and in the message. */
export class DefinitionError extends ConfigError {
  constructor(
    readonly where: string,
    readonly problems: readonly DefinitionProblem[],
  ) {
    super(`invalid segment definition\n${problems.map((p) => `${where}: ${p.path}: ${p.message}`).join('\n')}`, where);
  }
}

function validDate(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value !== 'string') return undefined;
  // A calendar day that exists: Date.parse would roll 2024-02-30 over into March.
  if (ISO_DATE.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value ? value : undefined;
  }
  const parsed = z.iso.datetime({ offset: true }).safeParse(value);
  return parsed.success ? value : undefined;
}

/** One value of a field's type, normalized; undefined (with a problem noted) when it does not fit. */
function scalar(spec: FieldSpec, raw: unknown, path: (string | number)[], problems: Problems): Value | undefined {
  switch (spec.type) {
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        problems.add(path, `expected text, got ${shown(raw)}`);
        return undefined;
      }
      const text = String(raw);
      if (isBlankText(text)) {
        problems.add(path, 'expected text, got only white space, which counts as empty; use is_empty or is_not_empty to test for a blank field');
        return undefined;
      }
      if (spec.choices && !spec.choices.includes(text.trim().toLowerCase())) {
        problems.add(path, `"${text}" is not one of: ${spec.choices.join(', ')}`);
        return undefined;
      }
      return text;
    }
    case 'number':
    case 'money':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        problems.add(path, `expected a number${spec.type === 'money' ? ' (an amount in major units, e.g. 500 or 49.99)' : ''}, got ${shown(raw)}`);
        return undefined;
      }
      return raw;
    case 'date': {
      const date = validDate(raw);
      if (date === undefined) problems.add(path, `expected a date (YYYY-MM-DD) or an ISO time with offset, got ${shown(raw)}`);
      return date;
    }
    case 'boolean':
      problems.add(path, 'a true/false field takes the operators is_true or is_false and no value');
      return undefined;
  }
}

function validateValue(spec: FieldSpec, op: string, raw: unknown, path: (string | number)[], problems: Problems): Value | Value[] | undefined {
  if (NO_VALUE.has(op)) {
    if (raw !== undefined) problems.add(path, `${op} takes no value`);
    return undefined;
  }
  if (raw === undefined || raw === null) {
    problems.add(path, `${op} needs a value`);
    return undefined;
  }
  if (op === 'within_last_days' || op === 'more_than_days_ago') {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) {
      problems.add(path, `${op} needs a whole number of days, got ${shown(raw)}`);
      return undefined;
    }
    return raw;
  }
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(raw) || raw.length === 0) {
      problems.add(path, `${op} needs a non-empty list, e.g. [a, b]`);
      return undefined;
    }
    const values = raw.map((v, i) => scalar(spec, v, [...path, i], problems));
    return values.every((v) => v !== undefined) ? (values as Value[]) : undefined;
  }
  if (op === 'between') {
    if (!Array.isArray(raw) || raw.length !== 2) {
      problems.add(path, 'between needs [low, high]');
      return undefined;
    }
    const low = scalar(spec, raw[0], [...path, 0], problems);
    const high = scalar(spec, raw[1], [...path, 1], problems);
    if (low === undefined || high === undefined) return undefined;
    const order = spec.type === 'date' ? Date.parse(String(low)) - Date.parse(String(high)) : Number(low) - Number(high);
    if (order > 0) {
      problems.add(path, `between needs low <= high, got [${low}, ${high}]`);
      return undefined;
    }
    return [low, high];
  }
  if (Array.isArray(raw)) {
    problems.add(path, `${op} takes one value, not a list (use in for several)`);
    return undefined;
  }
  return scalar(spec, raw, path, problems);
}

function validateCondition(raw: Record<string, unknown>, fields: Record<string, FieldSpec>, scope: string, path: (string | number)[], problems: Problems): Condition | undefined {
  const extra = Object.keys(raw).filter((k) => !['field', 'op', 'value', 'currency'].includes(k));
  if (extra.length) problems.add(path, `unknown key(s) ${extra.join(', ')} in a condition; a condition has field, op and value`);
  const field = raw.field;
  const spec = fieldNamed(fields, field);
  if (!spec) {
    problems.add([...path, 'field'], `unknown field ${shown(field)} ${scope}; choose one of: ${Object.keys(fields).join(', ')}`);
    return undefined;
  }
  const currency = validateCurrency(raw, spec, field as string, fields, [...path, 'currency'], problems);
  if (!isOperatorOf(spec, raw.op)) {
    problems.add([...path, 'op'], `${raw.op === undefined ? 'missing operator' : `unknown operator ${shown(raw.op)}`} for ${field} (${typeName(spec)}); choose one of: ${operatorsOf(spec).join(', ')}`);
    return undefined;
  }
  const value = validateValue(spec, raw.op, raw.value, [...path, 'value'], problems);
  if (currency !== undefined) checkMinorUnits(value, currency, [...path, 'value'], problems);
  const condition: Condition = value === undefined ? { field: field as string, op: raw.op } : { field: field as string, op: raw.op, value };
  return currency === undefined ? condition : { ...condition, currency };
}

/** The currency of an amount per currency, upper-case; a problem when one is missing, unknown, or given to a field that has none. */
function validateCurrency(raw: Record<string, unknown>, spec: FieldSpec, field: string, fields: Record<string, FieldSpec>, path: (string | number)[], problems: Problems): string | undefined {
  if (!spec.currency) {
    if (!Object.hasOwn(raw, 'currency')) return undefined;
    const takers = Object.keys(fields).filter((name) => fields[name]!.currency);
    problems.add(path, `${field} takes no currency${takers.length ? `; the amounts in one currency are ${takers.join(', ')}` : ''}`);
    return undefined;
  }
  const problem = currencyProblem(raw.currency, field);
  if (problem) {
    problems.add(path, problem);
    return undefined;
  }
  return (raw.currency as string).trim().toUpperCase();
}

/** Refuses amounts finer than the currency's minor unit (100.5 JPY, 10.005 USD): no order can have spent them. */
function checkMinorUnits(value: Value | Value[] | undefined, currency: string, path: (string | number)[], problems: Problems): void {
  const amounts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  amounts.forEach((amount, i) => {
    const problem = typeof amount === 'number' ? amountProblem(amount, currency) : undefined;
    if (problem) problems.add(Array.isArray(value) ? [...path, i] : path, problem);
  });
}

/** One rule at `depth` (the top rule is 1); refused past MAX_RULE_DEPTH before anything below it is read. */
function validateRule(raw: unknown, fields: Record<string, FieldSpec>, scope: string, path: (string | number)[], problems: Problems, inEntity: boolean, depth: number): Rule | undefined {
  if (depth > MAX_RULE_DEPTH) {
    problems.add(path, TOO_DEEP);
    return undefined;
  }
  if (Array.isArray(raw)) return validateRule({ all: raw }, fields, scope, path, problems, inEntity, depth);
  if (!isObject(raw)) {
    problems.add(path, `expected a rule (an object with one of ${RULE_KEYS.join(', ')}), got ${shown(raw)}`);
    return undefined;
  }
  const kinds = ownKeys(raw, RULE_KEYS);
  if (kinds.length !== 1) {
    problems.add(path, kinds.length === 0 ? `a rule needs one of: ${RULE_KEYS.join(', ')} (got ${Object.keys(raw).join(', ') || 'nothing'})` : `a rule has exactly one of ${kinds.join(', ')}`);
    return undefined;
  }
  const kind = kinds[0]!;
  if (kind === 'all' || kind === 'any') {
    const extra = Object.keys(raw).filter((k) => k !== kind);
    if (extra.length) problems.add(path, `unknown key(s) ${extra.join(', ')} beside ${kind}`);
    const items = raw[kind];
    if (!Array.isArray(items) || items.length === 0) {
      problems.add([...path, kind], `${kind} needs a non-empty list of rules`);
      return undefined;
    }
    const rules = items.map((item, i) => validateRule(item, fields, scope, [...path, kind, i], problems, inEntity, depth + 1));
    return kind === 'all' ? { all: rules as Rule[] } : { any: rules as Rule[] };
  }
  if (kind === 'not') {
    const extra = Object.keys(raw).filter((k) => k !== 'not');
    if (extra.length) problems.add(path, `unknown key(s) ${extra.join(', ')} beside not`);
    const inner = validateRule(raw.not, fields, scope, [...path, 'not'], problems, inEntity, depth + 1);
    return inner && { not: inner };
  }
  if (kind === 'field') return validateCondition(raw, fields, scope, path, problems);
  // has
  if (inEntity) {
    problems.add(path, 'has cannot be nested inside another has; put it beside it in an all or any group');
    return undefined;
  }
  const extra = Object.keys(raw).filter((k) => !['has', 'where', 'count'].includes(k));
  if (extra.length) problems.add(path, `unknown key(s) ${extra.join(', ')} in a has rule; it has has, where and count`);
  const entity = entityNamed(raw.has);
  if (!entity) {
    problems.add([...path, 'has'], `unknown record kind ${shown(raw.has)}; choose one of: ${Object.keys(ENTITIES).join(', ')}`);
    return undefined;
  }
  const rule: HasRule = { has: raw.has as string };
  if (raw.where !== undefined) {
    const where = validateRule(raw.where, entity.fields, `of ${/^[aeiou]/.test(raw.has as string) ? 'an' : 'a'} ${raw.has}`, [...path, 'where'], problems, true, depth + 1);
    if (where) rule.where = where;
  }
  if (raw.count !== undefined) {
    const countSpec: FieldSpec = { type: 'number', sql: '', description: 'how many' };
    const count = isObject(raw.count) ? validateCondition({ field: 'count', ...raw.count }, { count: countSpec }, '', [...path, 'count'], problems) : undefined;
    if (!isObject(raw.count)) problems.add([...path, 'count'], 'count needs {op, value}, e.g. {op: greater_or_equal, value: 2}');
    if (count?.value !== undefined && ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between'].includes(count.op)) {
      rule.count = { op: count.op, value: count.value as number | number[] };
    } else if (count) problems.add([...path, 'count', 'op'], 'count takes equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal or between, with a value');
  }
  return rule;
}

/**
 * Validates a parsed definition; `where` names it in errors (a file path). Throws one DefinitionError
 * listing every problem, each with the rule's path and the valid choices.
 */
export function validateDefinition(raw: unknown, where: string): SegmentDefinition {
  const header = headerSchema.safeParse(raw ?? {});
  const problems = new Problems();
  if (!header.success) {
    for (const issue of header.error.issues) problems.add(issue.path as (string | number)[], issue.message);
  }
  const rules = isObject(raw) && raw.rules !== undefined && raw.rules !== null ? validateRule(raw.rules, CUSTOMER_FIELDS, 'of a customer', ['rules'], problems, false, 1) : undefined;
  if (problems.items.length > 0 || !header.success || !rules) {
    throw new DefinitionError(where, problems.items);
  }
  const { name, id, environment, description } = header.data;
  return { name, ...(id === undefined ? {} : { id }), environment, ...(description === undefined ? {} : { description }), rules };
}

/**
 * Refuses YAML or JSON text nested too deep for its rules to be valid, before a parser recurses
 * through it; `where` names it in the error (a file, or `--rules`).
 */
export function checkTextNesting(text: string, where: string): void {
  if (textNestingBound(text) > MAX_TEXT_DEPTH) throw new DefinitionError(where, [{ path: 'rules', message: TOO_DEEP }]);
}
