// The builder edits the rule tree as the YAML files hold it ({all: [...]}, {any: [...]},
// {not: rule}, {field, op, value}, {has, where, count}), addressed by the same paths validation
// names in its messages (rules.all[1].where.any[0]), so a problem lands next to its rule.

export type Value = string | number;
export type RuleValue = Value | Value[] | undefined;

export interface Condition {
  field: string;
  op: string;
  value?: RuleValue;
  /** The currency of an amount in one currency (amount_spent_in and its kind). */
  currency?: string;
}
export interface HasRule {
  has: string;
  where?: Rule;
  count?: { op: string; value: number | number[] | string };
}
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition | HasRule;

export interface FieldInfo {
  type: 'text' | 'number' | 'money' | 'date' | 'boolean';
  description: string;
  choices?: string[];
  /** An amount in the currency the rule names. */
  currency?: boolean;
  /** Its operators, when not every operator of its type. */
  operators?: string[];
}

export interface Catalog {
  customerFields: Record<string, FieldInfo>;
  entities: Record<string, { description: string; fields: Record<string, FieldInfo> }>;
  operators: Record<FieldInfo['type'], string[]>;
  operatorHelp: Record<string, string>;
  noValue: string[];
  countOperators: string[];
  /** Currency codes, the reporting currency first. */
  currencies: string[];
}

export type Segment = number | string;

export const isGroup = (r: Rule): r is { all: Rule[] } | { any: Rule[] } => 'all' in r || 'any' in r;
export const groupKind = (r: { all: Rule[] } | { any: Rule[] }): 'all' | 'any' => ('all' in r ? 'all' : 'any');
export const groupItems = (r: { all: Rule[] } | { any: Rule[] }): Rule[] => ('all' in r ? r.all : r.any);

/** A path as validation writes it: keys joined by dots, list positions in brackets. */
export const pathText = (path: Segment[]): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');

/** A copy of the tree with the node at `path` replaced (or removed, when `next` is undefined and its parent is a list). */
export function replaceAt(root: Rule, path: Segment[], next: Rule | undefined): Rule {
  if (path.length === 0) return next ?? root;
  const [head, ...rest] = path;
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) };
  const child = (copy as Record<string | number, unknown>)[head!] as Rule;
  if (rest.length === 0) {
    if (next === undefined) {
      if (Array.isArray(copy)) copy.splice(head as number, 1);
      else delete (copy as Record<string, unknown>)[head as string];
    } else (copy as Record<string | number, unknown>)[head!] = next;
  } else (copy as Record<string | number, unknown>)[head!] = replaceAt(child, rest, next);
  return copy as unknown as Rule;
}

/** The operators a field takes. */
export const operatorsFor = (catalog: Catalog, info: FieldInfo): string[] => info.operators ?? catalog.operators[info.type];

export function fieldsFor(catalog: Catalog, entity?: string): Record<string, FieldInfo> {
  return entity ? (catalog.entities[entity]?.fields ?? {}) : catalog.customerFields;
}

/** The value an operator starts with: none, a list, a pair, or one value of the field's type. */
export function defaultValue(catalog: Catalog, info: FieldInfo, op: string): RuleValue {
  if (catalog.noValue.includes(op)) return undefined;
  if (op === 'within_last_days' || op === 'more_than_days_ago') return 30;
  const one: Value = info.choices?.[0] ?? (info.type === 'number' || info.type === 'money' ? 0 : info.type === 'date' ? new Date().toISOString().slice(0, 10) : '');
  if (op === 'between') return [one, one];
  if (op === 'in' || op === 'not_in') return [one];
  return one;
}

export function newCondition(catalog: Catalog, entity?: string): Condition {
  const fields = fieldsFor(catalog, entity);
  const field = entity ? Object.keys(fields)[0]! : 'amount_spent';
  const info = fields[field]!;
  // Amounts start as "more than"; equality with a default is rarely what anyone means.
  const op = info.type === 'number' || info.type === 'money' ? 'greater_than' : catalog.operators[info.type][0]!;
  const value = defaultValue(catalog, info, op);
  return value === undefined ? { field, op } : { field, op, value };
}

export const newHas = (catalog: Catalog): HasRule => ({ has: 'tag', where: { all: [newCondition(catalog, 'tag')] } });

/** The typed value of what a person typed: a number for number fields when it reads as one, else the text (validation explains). */
export function parseScalar(info: FieldInfo, text: string): Value {
  if (info.type === 'number' || info.type === 'money') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

/** Top-level rules are edited as a group; a single condition becomes a group of one. */
export const asGroup = (rules: Rule | undefined): Rule => (rules && isGroup(rules) ? rules : { all: rules ? [rules] : [] });
