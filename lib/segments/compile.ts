import { REVENUE_BY_CURRENCY, toMinorUnits } from './amounts-in-currency';
import { CUSTOMER_FIELDS, entityNamed, fieldNamed, type FieldSpec } from './catalog';
import type { Condition, HasRule, Rule, SegmentDefinition, Value } from './definition';

// Definitions compile to SQL with `?` parameters: field and operator names pick fixed SQL from the
// catalog, and every value a person typed travels as a bound parameter, never as SQL text.

export interface CompiledSql {
  sql: string;
  params: (string | number)[];
}

export interface CompileContext {
  /** "Now" for relative rules (within the last N days). */
  now: Date;
  /** The account's time zone: a date without a time is a day there. */
  timezone: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

class Builder {
  readonly params: (string | number)[] = [];
  constructor(readonly ctx: CompileContext) {}
  /** A bound parameter, cast so DuckDB never guesses its type. */
  p(value: string | number, type: 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'TIMESTAMPTZ' | 'TIMESTAMP'): string {
    this.params.push(value);
    return `?::${type}`;
  }
  /** The instant a date value stands for: midnight in the account's zone (plus whole days), or the ISO time itself. */
  instant(value: Value, addDays = 0): string {
    const text = String(value);
    if (DATE_ONLY.test(text)) {
      const day = addDays ? new Date(Date.parse(`${text}T00:00:00Z`) + addDays * DAY_MS).toISOString().slice(0, 10) : text;
      return `timezone(${this.p(this.ctx.timezone, 'VARCHAR')}, ${this.p(day, 'TIMESTAMP')})`;
    }
    return this.p(text, 'TIMESTAMPTZ');
  }
  daysAgo(days: number): string {
    return this.p(new Date(this.ctx.now.getTime() - days * DAY_MS).toISOString(), 'TIMESTAMPTZ');
  }
}

const lowerTrim = (x: string) => `lower(trim(${x}))`;

/** Text with nothing but white space, as RE2 reads it: the set definition.ts's isBlankText refuses as a value (DuckDB's trim drops only spaces). */
const BLANK_TEXT_SQL = `'[\\t\\n\\x{0B}\\f\\r\\p{Z}\\x{85}\\x{180E}\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]*'`;
const isBlank = (x: string) => `coalesce(regexp_full_match(${x}, ${BLANK_TEXT_SQL}), true)`;

function textCondition(b: Builder, x: string, op: string, value: Value | Value[] | undefined): string {
  const one = () => b.p(String(value), 'VARCHAR');
  const list = () => (value as Value[]).map((v) => lowerTrim(b.p(String(v), 'VARCHAR'))).join(', ');
  switch (op) {
    case 'equals': return `${lowerTrim(x)} = ${lowerTrim(one())}`;
    case 'not_equals': return `coalesce(${lowerTrim(x)}, '') <> ${lowerTrim(one())}`;
    case 'contains': return `contains(lower(${x}), lower(${one()}))`;
    case 'not_contains': return `not coalesce(contains(lower(${x}), lower(${one()})), false)`;
    case 'starts_with': return `starts_with(${lowerTrim(x)}, lower(${one()}))`;
    case 'ends_with': return `ends_with(${lowerTrim(x)}, lower(${one()}))`;
    case 'in': return `${lowerTrim(x)} in (${list()})`;
    case 'not_in': return `coalesce(${lowerTrim(x)}, '') not in (${list()})`;
    case 'is_empty': return isBlank(x);
    case 'is_not_empty': return `not ${isBlank(x)}`;
  }
  throw new Error(`no text operator ${op}`);
}

function numberCondition(b: Builder, x: string, op: string, value: Value | Value[] | undefined): string {
  const one = () => b.p(Number(value), 'DOUBLE');
  const pair = value as Value[];
  switch (op) {
    case 'equals': return `${x} = ${one()}`;
    case 'not_equals': return `coalesce(${x} <> ${one()}, true)`;
    case 'greater_than': return `${x} > ${one()}`;
    case 'greater_or_equal': return `${x} >= ${one()}`;
    case 'less_than': return `${x} < ${one()}`;
    case 'less_or_equal': return `${x} <= ${one()}`;
    case 'between': return `${x} between ${b.p(Number(pair[0]), 'DOUBLE')} and ${b.p(Number(pair[1]), 'DOUBLE')}`;
    case 'in': return `${x} in (${pair.map((v) => b.p(Number(v), 'DOUBLE')).join(', ')})`;
    case 'not_in': return `coalesce(${x} not in (${pair.map((v) => b.p(Number(v), 'DOUBLE')).join(', ')}), true)`;
    case 'is_empty': return `${x} is null`;
    case 'is_not_empty': return `${x} is not null`;
  }
  throw new Error(`no number operator ${op}`);
}

function dateCondition(b: Builder, x: string, op: string, value: Value | Value[] | undefined): string {
  const pair = value as Value[];
  const dayOnly = (v: Value) => DATE_ONLY.test(String(v));
  switch (op) {
    case 'before': return `${x} < ${b.instant(value as Value)}`;
    case 'after': return dayOnly(value as Value) ? `${x} >= ${b.instant(value as Value, 1)}` : `${x} > ${b.instant(value as Value)}`;
    case 'between': {
      // Parameters bind in the order they appear in the SQL text: the low bound first.
      const low = `${x} >= ${b.instant(pair[0]!)}`;
      const high = dayOnly(pair[1]!) ? `${x} < ${b.instant(pair[1]!, 1)}` : `${x} <= ${b.instant(pair[1]!)}`;
      return `${low} and ${high}`;
    }
    case 'within_last_days': return `${x} >= ${b.daysAgo(Number(value))}`;
    case 'more_than_days_ago': return `${x} < ${b.daysAgo(Number(value))}`;
    case 'is_empty': return `${x} is null`;
    case 'is_not_empty': return `${x} is not null`;
  }
  throw new Error(`no date operator ${op}`);
}

function condition(b: Builder, spec: FieldSpec, c: Condition): string {
  switch (spec.type) {
    case 'text': return textCondition(b, spec.sql, c.op, c.value);
    case 'number':
    case 'money': return numberCondition(b, spec.sql, c.op, c.value);
    case 'date': return dateCondition(b, spec.sql, c.op, c.value);
    case 'boolean': return c.op === 'is_true' ? spec.sql : `not coalesce(${spec.sql}, false)`;
  }
}

function fieldsOf(rule: Rule): string[] {
  if ('all' in rule) return rule.all.flatMap(fieldsOf);
  if ('any' in rule) return rule.any.flatMap(fieldsOf);
  if ('not' in rule) return fieldsOf(rule.not);
  return 'field' in rule ? [rule.field] : [];
}

function has(b: Builder, rule: HasRule): string {
  const entity = entityNamed(rule.has);
  if (!entity) throw new Error(`no record kind ${JSON.stringify(rule.has)}: compile only validated definitions`);
  const wider = entity.widerFrom && rule.where && fieldsOf(rule.where).some((f) => entity.widerFrom!.fields.includes(f));
  const from = wider ? entity.widerFrom!.from : entity.from;
  if (!rule.count) {
    // A semi-join on an uncorrelated set: DuckDB hashes it once instead of probing per person.
    // Records of nobody are left out: a NULL in the set would make `not in` unknown for everyone.
    const where = rule.where ? ` and ${compileRule(b, rule.where, entity.fields)}` : '';
    return `c.customer_id in (select e.customer_id from ${from} as e where e.customer_id is not null${where})`;
  }
  // Counted per person in one grouped pass. People with no such record have a count of 0: when the
  // count rule holds at 0 they are members unless their records say otherwise, and not otherwise.
  const where = rule.where ? ` and ${compileRule(b, rule.where, entity.fields)}` : '';
  const holdsAtZero = countHolds(rule.count.op, rule.count.value, 0);
  const counted = numberCondition(b, entity.countSql ?? 'count(*)', rule.count.op, rule.count.value);
  const grouped = `select e.customer_id from ${from} as e where e.customer_id is not null${where} group by e.customer_id`;
  return holdsAtZero ? `c.customer_id not in (${grouped} having not coalesce(${counted}, false))` : `c.customer_id in (${grouped} having ${counted})`;
}

/**
 * An amount in one currency, from the per-currency sums: like a counted has rule, a person without
 * orders in that currency has 0, so when the rule holds at 0 they are members unless their sum says
 * otherwise. The values compare in the currency's minor units, exactly as the model stores them.
 */
function amountInCurrency(b: Builder, spec: FieldSpec, c: Condition): string {
  const currency = c.currency!;
  const minor = Array.isArray(c.value) ? c.value.map((v) => toMinorUnits(Number(v), currency)) : toMinorUnits(Number(c.value), currency);
  const inCurrency = `select r.customer_id from ${REVENUE_BY_CURRENCY} as r where r.currency = ${b.p(currency, 'VARCHAR')}`;
  const holdsAtZero = countHolds(c.op, minor, 0);
  const amount = numberCondition(b, spec.sql, c.op, minor);
  return holdsAtZero ? `c.customer_id not in (${inCurrency} and not coalesce(${amount}, false))` : `c.customer_id in (${inCurrency} and ${amount})`;
}

/** Whether a count rule holds for a given count (the values are already validated numbers). */
function countHolds(op: string, value: number | number[], n: number): boolean {
  const [low, high] = Array.isArray(value) ? value : [value, value];
  switch (op) {
    case 'equals': return n === low;
    case 'not_equals': return n !== low;
    case 'greater_than': return n > low!;
    case 'greater_or_equal': return n >= low!;
    case 'less_than': return n < low!;
    case 'less_or_equal': return n <= low!;
    case 'between': return n >= low! && n <= high!;
  }
  throw new Error(`no count operator ${op}`);
}

/** Every rule is two-valued (NULL counts as false), so `not` means what a person expects. */
function compileRule(b: Builder, rule: Rule, fields: Record<string, FieldSpec>): string {
  if ('all' in rule) return `(${rule.all.map((r) => compileRule(b, r, fields)).join(' and ')})`;
  if ('any' in rule) return `(${rule.any.map((r) => compileRule(b, r, fields)).join(' or ')})`;
  if ('not' in rule) return `(not ${compileRule(b, rule.not, fields)})`;
  if ('has' in rule) return has(b, rule);
  const spec = fieldNamed(fields, rule.field);
  if (!spec) throw new Error(`no field ${JSON.stringify(rule.field)}: compile only validated definitions`);
  if (spec.currency) return amountInCurrency(b, spec, rule);
  return `coalesce(${condition(b, spec, rule)}, false)`;
}

/** The people of a segment's environment who match its rules, from `core.customers` (c) and `marts.customer_metrics` (m). */
export const SEGMENT_BASE = 'core.customers as c join marts.customer_metrics as m using (customer_id)';

/**
 * `select customer_id ...` for the segment's members. `base` is where they are found: by default
 * the join of `SEGMENT_BASE`; any relation where `c.<customer column>` and `m.<metric>` name the
 * same values will do (the materialization's one table of people, whose `m` is a struct column).
 */
export function compileSegment(def: SegmentDefinition, ctx: CompileContext, columns = 'c.customer_id', base = SEGMENT_BASE): CompiledSql {
  const b = new Builder(ctx);
  const environment = b.p(def.environment, 'VARCHAR');
  const where = compileRule(b, def.rules, CUSTOMER_FIELDS);
  return { sql: `select ${columns} from ${base} where c.environment = ${environment} and ${where}`, params: b.params };
}
