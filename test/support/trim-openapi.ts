// Trims a vendor's OpenAPI (3.x) or Swagger (2.0) description to the operations cdp calls and every
// component they reference, unchanged, so the copy kept under test/fixtures/ stays the vendor's text.
//
//   npx tsx test/support/trim-openapi.ts [--requests-only] <full.json|yaml> <out.json> "GET /v2/orders" "POST /reports/..."
//
// --requests-only leaves each operation's `responses` out, for a description that is checked against
// requests alone (one whose answers are of another API version than the one cdp pins).
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

/** The description with only the named operations (`METHOD /path`) and the components they reach. */
export function trimDescription(doc: Json, operations: string[], requestsOnly = false): Json {
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
    const value = resolvePointer(doc, ref);
    if (value === undefined) throw new Error(`unresolved reference ${ref}`);
    setPointer(kept, ref, value);
    collectRefs(value, pending);
  }
  return kept;
}

if (process.argv[1]?.endsWith('trim-openapi.ts')) {
  const args = process.argv.slice(2);
  const requestsOnly = args[0] === '--requests-only';
  const [input, output, ...operations] = requestsOnly ? args.slice(1) : args;
  if (!input || !output || operations.length === 0) throw new Error('usage: trim-openapi.ts <full> <out.json> "METHOD /path"...');
  const text = fs.readFileSync(input, 'utf8');
  const doc = (input.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
  fs.writeFileSync(output, `${JSON.stringify(trimDescription(doc, operations, requestsOnly), null, 2)}\n`);
}
