// Trims a vendor's OpenAPI (3.x) or Swagger (2.0) description to the operations cdp calls and every
// component they reference, unchanged, so the copy kept under test/fixtures/ stays the vendor's text.
//
//   npx tsx test/support/trim-openapi.ts [--requests-only] [--schemas <list.txt>] [--drop-prose] \
//     <full.json|yaml> <out.json> "GET /v2/orders" "POST /reports/..."
//
// --requests-only leaves each operation's `responses` out, for a description that is checked against
// requests alone (one whose answers are of another API version than the one cdp pins).
// --schemas keeps only the components named in the file (one a line); any other component the kept
// ones reference becomes a stub that no value matches, so an answer that fills it fails instead of
// passing unchecked. For descriptions whose reference graph spans nearly the whole API (Stripe's).
// --drop-prose leaves out what validation never reads: string `description`s and `summary`s, and
// the vendor's `x-` extensions.
import fs from 'node:fs';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

/** The part of the description a local reference (`#/a/b`) names. */
function resolvePointer(doc: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

function collectRefs(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value);
      else collectRefs(value, out);
    }
  }
}

function setPointer(target: Json, ref: string, value: unknown): void {
  const keys = ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Json;
  node[keys.at(-1)!] = value;
}

/** What a component left out of a `--schemas` copy becomes: matches no value, so filling it is a difference. */
export const TRIMMED_COMPONENT: Json = { not: {}, 'x-cdp-trimmed': 'left out of this copy: no answer cdp receives fills it' };

/** The node without prose: string `description`/`summary` and `x-` extensions removed, at every depth. */
export function dropProse(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropProse);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !k.startsWith('x-') && !((k === 'description' || k === 'summary') && typeof v === 'string'))
      .map(([k, v]) => [k, dropProse(v)]),
  );
}

export interface TrimOptions {
  requestsOnly?: boolean;
  /** Components kept whole; others referenced become {@link TRIMMED_COMPONENT}. All are kept when absent. */
  schemas?: ReadonlySet<string>;
  dropProse?: boolean;
}

/** The description with only the named operations (`METHOD /path`) and the components they reach. */
export function trimDescription(full: Json, operations: string[], options: TrimOptions | boolean = {}): Json {
  const { requestsOnly = false, schemas, dropProse: prose = false } = typeof options === 'boolean' ? { requestsOnly: options } : options;
  const doc = prose ? (dropProse(full) as Json) : full;
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const [method, path] = op.split(' ') as [string, string];
    const item = (doc.paths as Record<string, Json>)[path];
    const operation = item?.[method.toLowerCase()];
    if (!operation) throw new Error(`the description has no ${op}`);
    paths[path] ??= Object.fromEntries(Object.entries(item).filter(([k]) => k === 'parameters' || k === 'servers'));
    paths[path][method.toLowerCase()] = requestsOnly ? Object.fromEntries(Object.entries(operation).filter(([k]) => k !== 'responses')) : operation;
  }
  const kept: Json = Object.fromEntries(Object.entries(doc).filter(([k]) => !['paths', 'components', 'definitions', 'parameters', 'responses', 'tags', 'x-tagGroups'].includes(k)));
  kept.paths = paths;
  // Security schemes are named by `security` requirements, not referenced: keep them whole.
  const schemes = (doc.components as Json | undefined)?.securitySchemes;
  if (schemes) kept.components = { securitySchemes: schemes };
  if (doc.securityDefinitions) kept.securityDefinitions = doc.securityDefinitions;
  const pending = new Set<string>();
  collectRefs(paths, pending);
  const done = new Set<string>();
  for (const ref of pending) {
    if (done.has(ref)) continue;
    done.add(ref);
    if (!ref.startsWith('#/')) throw new Error(`external reference ${ref} is not supported`);
    const schemaName = ref.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
    if (schemas && schemaName !== undefined && !schemas.has(schemaName)) {
      setPointer(kept, ref, TRIMMED_COMPONENT);
      continue;
    }
    const value = resolvePointer(doc, ref);
    if (value === undefined) throw new Error(`unresolved reference ${ref}`);
    setPointer(kept, ref, value);
    collectRefs(value, pending);
  }
  // A --schemas copy lists its components in name order, as the vendor's file does.
  const components = kept.components as Json | undefined;
  if (schemas && components?.schemas) components.schemas = Object.fromEntries(Object.entries(components.schemas as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return kept;
}

if (process.argv[1]?.endsWith('trim-openapi.ts')) {
  const args = process.argv.slice(2);
  const options: TrimOptions = {};
  for (;;) {
    if (args[0] === '--requests-only') options.requestsOnly = Boolean(args.shift());
    else if (args[0] === '--drop-prose') options.dropProse = Boolean(args.shift());
    else if (args[0] === '--schemas' && args[1]) {
      args.shift();
      options.schemas = new Set(fs.readFileSync(args.shift()!, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
    } else break;
  }
  const [input, output, ...operations] = args;
  if (!input || !output || operations.length === 0) throw new Error('usage: trim-openapi.ts [--requests-only] [--schemas <list>] [--drop-prose] <full> <out.json> "METHOD /path"...');
  const text = fs.readFileSync(input, 'utf8');
  const doc = (input.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
  fs.writeFileSync(output, `${JSON.stringify(trimDescription(doc, operations, options), null, 2)}\n`);
}
