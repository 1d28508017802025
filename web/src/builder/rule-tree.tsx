import type { ComponentChildren } from 'preact';
import type { Problem } from '../api';
import {
  defaultValue,
  fieldsFor,
  groupItems,
  groupKind,
  isGroup,
  newCondition,
  newHas,
  operatorsFor,
  parseScalar,
  pathText,
  type Catalog,
  type Condition,
  type FieldInfo,
  type HasRule,
  type Rule,
  type RuleValue,
  type Segment,
} from './rules';

// The rule tree as nested boxes: groups (all / any) of conditions, record rules (has) and more
// groups, any of them negated with NOT. Pickers come from the catalog the server validates with.

interface NodeProps {
  catalog: Catalog;
  rule: Rule;
  /** Where this node sits in the definition, e.g. ['rules', 'all', 1]. */
  path: Segment[];
  /** Set inside a has rule: the record kind whose fields apply. */
  entity?: string;
  problems: Problem[];
  readOnly: boolean;
  onChange: (next: Rule) => void;
  onRemove?: () => void;
}

/** Problems about exactly this node or its own keys (field, op, value, has, count), not about its children. */
function ownProblems(problems: Problem[], path: Segment[], childKeys: string[]): Problem[] {
  const here = pathText(path);
  return problems.filter((p) => {
    if (p.path === here) return true;
    if (!p.path.startsWith(`${here}.`) && !p.path.startsWith(`${here}[`)) return false;
    const rest = p.path.slice(here.length).replace(/^\./, '');
    return !childKeys.some((k) => rest === k || rest.startsWith(`${k}[`) || rest.startsWith(`${k}.`));
  });
}

function Problems({ list }: { list: Problem[] }) {
  if (!list.length) return null;
  return (
    <ul class="rule-problems" role="alert">
      {list.map((p) => (
        <li key={p.path + p.message}>
          <code>{p.path}</code> {p.message}
        </li>
      ))}
    </ul>
  );
}

/** A rule, unwrapping NOT into a checkbox on the rule it negates. */
export function RuleNode(props: NodeProps) {
  const { rule, path } = props;
  if ('not' in rule) {
    return <RuleBody {...props} rule={rule.not} path={[...path, 'not']} negated onChange={(next) => props.onChange({ not: next })} onToggleNot={() => props.onChange(rule.not)} outerPath={path} />;
  }
  return <RuleBody {...props} negated={false} onToggleNot={() => props.onChange({ not: rule })} outerPath={path} />;
}

function RuleBody(props: NodeProps & { negated: boolean; onToggleNot: () => void; outerPath: Segment[] }) {
  const { rule } = props;
  const notProblems = props.negated ? ownProblems(props.problems, props.outerPath, ['not']) : [];
  const header = (
    <label class="not-toggle" title="match everyone this rule does not match">
      <input type="checkbox" name="not" checked={props.negated} disabled={props.readOnly} onChange={props.onToggleNot} /> NOT
    </label>
  );
  const remove = props.onRemove && !props.readOnly && (
    <button type="button" class="remove" aria-label="remove rule" onClick={props.onRemove}>
      ×
    </button>
  );
  let body;
  if (isGroup(rule)) body = <GroupBody {...props} rule={rule} header={header} remove={remove} />;
  else if ('has' in rule) body = <HasBody {...props} rule={rule} header={header} remove={remove} />;
  else if ('field' in rule) body = <ConditionBody {...props} rule={rule} header={header} remove={remove} />;
  else body = <div class="rule unknown">{header}unrecognized rule {remove}</div>;
  return (
    <div class={`rule-node${props.negated ? ' negated' : ''}`} data-path={pathText(props.outerPath)}>
      {body}
      <Problems list={notProblems} />
    </div>
  );
}

type BodyProps<R> = NodeProps & { rule: R; header: ComponentChildren; remove: ComponentChildren };

function GroupBody(props: BodyProps<{ all: Rule[] } | { any: Rule[] }>) {
  const { catalog, rule, path, entity, readOnly } = props;
  const kind = groupKind(rule);
  const items = groupItems(rule);
  const set = (nextKind: 'all' | 'any', nextItems: Rule[]) => props.onChange(nextKind === 'all' ? { all: nextItems } : { any: nextItems });
  const add = (item: Rule) => set(kind, [...items, item]);
  return (
    <div class={`rule group group-${kind}`}>
      <div class="rule-line">
        {props.header}
        <select name="group-kind" aria-label="group kind" value={kind} disabled={readOnly} onChange={(e) => set(e.currentTarget.value as 'all' | 'any', items)}>
          <option value="all">ALL of these (AND)</option>
          <option value="any">ANY of these (OR)</option>
        </select>
        {props.remove}
      </div>
      <Problems list={ownProblems(props.problems, path, [kind])} />
      <div class="group-items">
        {items.map((item, i) => (
          <RuleNode
            key={i}
            catalog={catalog}
            rule={item}
            path={[...path, kind, i]}
            entity={entity}
            problems={props.problems}
            readOnly={readOnly}
            onChange={(next) => set(kind, items.map((x, j) => (j === i ? next : x)))}
            onRemove={() => set(kind, items.filter((_, j) => j !== i))}
          />
        ))}
        {items.length === 0 && <p class="hint">An empty group matches nothing valid: add a condition.</p>}
      </div>
      {!readOnly && (
        <div class="group-actions">
          <button type="button" name="add-condition" onClick={() => add(newCondition(catalog, entity))}>
            + condition
          </button>
          {!entity && (
            <button type="button" name="add-has" onClick={() => add(newHas(catalog))}>
              + has record
            </button>
          )}
          <button type="button" name="add-group" onClick={() => add({ any: [newCondition(catalog, entity)] })}>
            + group
          </button>
        </div>
      )}
    </div>
  );
}

function HasBody(props: BodyProps<HasRule>) {
  const { catalog, rule, path, readOnly } = props;
  const set = (next: HasRule) => props.onChange(next);
  const kinds = Object.keys(catalog.entities);
  return (
    <div class="rule has">
      <div class="rule-line">
        {props.header}
        <span>has a</span>
        <select
          name="has"
          aria-label="record kind"
          value={rule.has}
          disabled={readOnly}
          title={catalog.entities[rule.has]?.description}
          onChange={(e) => {
            const has = e.currentTarget.value;
            set({ has, where: { all: [newCondition(catalog, has)] }, ...(rule.count ? { count: rule.count } : {}) });
          }}
        >
          {!kinds.includes(rule.has) && <option value={rule.has}>{rule.has}</option>}
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <label class="count-toggle">
          <input
            type="checkbox"
            name="count-on"
            checked={rule.count !== undefined}
            disabled={readOnly}
            onChange={(e) => {
              const { count: _, ...rest } = rule;
              set(e.currentTarget.checked ? { ...rest, count: { op: 'greater_or_equal', value: 2 } } : rest);
            }}
          />{' '}
          counted
        </label>
        {rule.count && (
          <>
            <select name="count-op" aria-label="count operator" value={rule.count.op} disabled={readOnly} onChange={(e) => set({ ...rule, count: { op: e.currentTarget.value, value: rule.count!.value } })}>
              {catalog.countOperators.map((op) => (
                <option key={op} value={op}>
                  {op}
                </option>
              ))}
            </select>
            <input
              name="count-value"
              aria-label="count"
              class="short"
              value={Array.isArray(rule.count.value) ? rule.count.value.join(', ') : String(rule.count.value)}
              disabled={readOnly}
              onInput={(e) => {
                const text = e.currentTarget.value;
                const parts = text.split(',').map((t) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : t.trim()));
                set({ ...rule, count: { op: rule.count!.op, value: (parts.length > 1 ? parts : parts[0]!) as number | number[] } });
              }}
            />
          </>
        )}
        {props.remove}
      </div>
      <Problems list={ownProblems(props.problems, path, ['where'])} />
      {rule.where ? (
        <div class="where">
          <span class="where-label">where</span>
          <RuleNode
            catalog={catalog}
            rule={rule.where}
            path={[...path, 'where']}
            entity={rule.has}
            problems={props.problems}
            readOnly={readOnly}
            onChange={(where) => set({ ...rule, where })}
            onRemove={() => {
              const { where: _, ...rest } = rule;
              set(rest);
            }}
          />
        </div>
      ) : (
        !readOnly && (
          <button type="button" name="add-where" onClick={() => set({ ...rule, where: { all: [newCondition(catalog, rule.has)] } })}>
            + where
          </button>
        )
      )}
    </div>
  );
}

function ValueEditor(props: { catalog: Catalog; info: FieldInfo; op: string; value: RuleValue; readOnly: boolean; onChange: (v: RuleValue) => void }) {
  const { info, op, value, readOnly } = props;
  if (props.catalog.noValue.includes(op)) return null;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const dayCount = op === 'within_last_days' || op === 'more_than_days_ago';
  const scalarInput = (v: unknown, onText: (t: string) => void, label: string) =>
    info.choices && !dayCount ? (
      <select name="value" aria-label={label} value={text(v)} disabled={readOnly} onChange={(e) => onText(e.currentTarget.value)}>
        {!info.choices.includes(text(v)) && <option value={text(v)}>{text(v)}</option>}
        {info.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    ) : (
      <input name="value" aria-label={label} value={text(v)} disabled={readOnly} placeholder={info.type === 'date' && !dayCount ? 'YYYY-MM-DD' : ''} onInput={(e) => onText(e.currentTarget.value)} />
    );
  if (dayCount) return <>{scalarInput(value, (t) => props.onChange(parseScalar({ ...info, type: 'number' }, t)), 'days')} days</>;
  if (op === 'between') {
    const pair = Array.isArray(value) ? value : [value, value];
    return (
      <>
        {scalarInput(pair[0], (t) => props.onChange([parseScalar(info, t), pair[1] as never]), 'low')} and{' '}
        {scalarInput(pair[1], (t) => props.onChange([pair[0] as never, parseScalar(info, t)]), 'high')}
      </>
    );
  }
  if (op === 'in' || op === 'not_in') {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return (
      <input
        name="value"
        aria-label="values, comma-separated"
        placeholder="a, b, c"
        value={list.join(', ')}
        disabled={readOnly}
        onInput={(e) => props.onChange(e.currentTarget.value.split(',').map((t) => parseScalar(info, t.trim())).filter((v) => v !== ''))}
      />
    );
  }
  return scalarInput(value, (t) => props.onChange(parseScalar(info, t)), 'value');
}

function ConditionBody(props: BodyProps<Condition>) {
  const { catalog, rule, path, entity, readOnly } = props;
  const fields = fieldsFor(catalog, entity);
  const info = fields[rule.field];
  const ops = info ? operatorsFor(catalog, info) : [];
  // Keys in the order a file reads best: field, currency, op, value; none left undefined.
  const set = (next: Condition) =>
    props.onChange({ field: next.field, ...(next.currency === undefined ? {} : { currency: next.currency }), op: next.op, ...(next.value === undefined ? {} : { value: next.value }) });
  const currencyList = `currencies-${pathText(path)}`;
  return (
    <div class="rule condition">
      <div class="rule-line">
        {props.header}
        <select
          name="field"
          aria-label="field"
          value={rule.field}
          disabled={readOnly}
          title={info?.description}
          onChange={(e) => {
            const field = e.currentTarget.value;
            const nextInfo = fields[field]!;
            const nextOps = operatorsFor(catalog, nextInfo);
            const op = nextOps.includes(rule.op) ? rule.op : nextOps[0]!;
            const currency = nextInfo.currency ? (rule.currency ?? catalog.currencies[0]) : undefined;
            set({ field, currency, op, value: nextInfo.type === info?.type && op === rule.op ? rule.value : defaultValue(catalog, nextInfo, op) });
          }}
        >
          {!info && <option value={rule.field}>{rule.field}</option>}
          {Object.entries(fields).map(([name, f]) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {(info?.currency || rule.currency !== undefined) && (
          <>
            <span>in</span>
            <input
              name="currency"
              aria-label="currency"
              class="short"
              list={currencyList}
              value={rule.currency ?? ''}
              disabled={readOnly}
              placeholder="USD"
              title="a three-letter ISO 4217 code: only orders paid in it count, in its own units"
              onInput={(e) => set({ ...rule, currency: e.currentTarget.value.trim().toUpperCase() })}
            />
            <datalist id={currencyList}>
              {catalog.currencies.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </>
        )}
        <select
          name="op"
          aria-label="operator"
          value={rule.op}
          disabled={readOnly}
          title={catalog.operatorHelp[rule.op]}
          onChange={(e) => {
            const op = e.currentTarget.value;
            const sameShape = (a: string, b: string) => {
              const shape = (o: string) => (catalog.noValue.includes(o) ? 'none' : o === 'between' ? 'pair' : o === 'in' || o === 'not_in' ? 'list' : o.includes('days') ? 'days' : 'one');
              return shape(a) === shape(b);
            };
            set({ ...rule, op, value: info && sameShape(op, rule.op) ? rule.value : info ? defaultValue(catalog, info, op) : rule.value });
          }}
        >
          {!ops.includes(rule.op) && <option value={rule.op}>{rule.op}</option>}
          {ops.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        {info && <ValueEditor catalog={catalog} info={info} op={rule.op} value={rule.value} readOnly={readOnly} onChange={(value) => set({ ...rule, value })} />}
        {props.remove}
      </div>
      <Problems list={ownProblems(props.problems, path, [])} />
    </div>
  );
}
