// Reads an OpenAPI 3.x or Swagger 2.0 description: its operations with their full path patterns and
// parameters, and how a query or path value is read as the type its schema names.
import fs from 'node:fs';

export type Json = Record<string, any>;

/** A vendor's description as kept under test/fixtures/. */
export interface ApiDescription {
  /** A short name for messages, e.g. `bigcommerce orders v2`. */
  name: string;
  doc: Json;
  /** Only requests are checked: the kept copy has no responses (they describe another API version). */
  requestsOnly?: boolean;
}

/** Reads a trimmed description from test/fixtures/. */
export function loadDescription(name: string, file: string, options: { requestsOnly?: boolean } = {}): ApiDescription {
  return { name, doc: JSON.parse(fs.readFileSync(file, 'utf8')) as Json, ...options };
}

/** One operation of a description, with the pattern its full path (server path included) matches. */
export interface Operation {
  description: ApiDescription;
  method: string;
  template: string;
  pattern: RegExp;
  pathParamNames: string[];
  /** How many `{...}` the full template holds: fewer wins when two templates match. */
  variables: number;
  pointer: string;
  op: Json;
  parameters: Parameter[];
}

/** A declared parameter and where it stands in the description. */
export type Parameter = Json & { pointer: string };


/** A key as one JSON-pointer segment. */
export const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The node a local `$ref` points at, followed through chains of references. */
export function resolve(doc: Json, node: Json): Json {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) {
    n = n.$ref
      .slice(2)
      .split('/')
      .map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: Json, k: string) => o?.[k], doc);
  }
  return n;
}

/** Where a node stands: its reference's target, or the given place when it is inline. */
export function pointerOf(node: Json, fallback: string): string {
  return typeof node?.$ref === 'string' ? node.$ref.slice(1) : fallback;
}

/** The path in front of the description's paths: a server URL's path (3.x) or `basePath` (2.0). */
function serverPath(doc: Json): string {
  const raw: string = doc.swagger ? (doc.basePath ?? '') : (doc.servers?.[0]?.url ?? '');
  const path = raw.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return path.replace(/\/$/, '');
}

/** Every operation of a description, each with its parameters merged from the path item. */
export function operationsOf(description: ApiDescription): Operation[] {
  const doc = description.doc;
  const prefix = serverPath(doc);
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    const full = prefix + template;
    // Server variables (a store hash) match any segment; the path's own are named groups.
    const pathParamNames: string[] = [];
    const variable = (part: string, own: boolean) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      if (!own) return '[^/]+';
      pathParamNames.push(m[1]!);
      return '([^/]+)';
    };
    const source = [...prefix.split(/(\{[^}]+\})/).map((p) => variable(p, false)), ...template.split(/(\{[^}]+\})/).map((p) => variable(p, true))].join('');
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      // An operation's parameter replaces the path item's of the same name and place.
      const byKey = new Map<string, Parameter>();
      const declared = [
        ...(item.parameters ?? []).map((p: Json, i: number) => ({ raw: p, at: `/paths/${escapePointer(template)}/parameters/${i}` })),
        ...(op.parameters ?? []).map((p: Json, i: number) => ({ raw: p, at: `/paths/${escapePointer(template)}/${method}/parameters/${i}` })),
      ];
      for (const { raw, at } of declared) {
        const p = resolve(doc, raw);
        byKey.set(`${p.in}:${p.name}`, { ...p, pointer: pointerOf(raw, at) } as Parameter);
      }
      out.push({
        description,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        pathParamNames,
        variables: (full.match(/\{/g) ?? []).length,
        pointer: `/paths/${escapePointer(template)}/${method}`,
        op,
        parameters: [...byKey.values()],
      });
    }
  }
  return out;
}

/**
 * An OpenAPI 3.0 description as plain JSON Schema for the validator: `nullable: true` admits null
 * ("Allows sending a null value for the defined schema", OpenAPI 3.0.0), also where the schema has no
 * `type` (a nullable `anyOf`, as Stripe writes expandable fields) or an `enum` that does not list null.
 * The shape is kept, so every JSON pointer into the description still names the same schema.
 */
export function admitNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(admitNulls);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, admitNulls(v)])) as Json;
  if (nullable !== true) return nullable === undefined ? rest : { ...rest, nullable };
  if (Array.isArray(rest.enum) && !rest.enum.includes(null)) rest.enum = [...rest.enum, null];
  if (typeof rest.type === 'string') return { ...rest, type: [rest.type, 'null'] };
  if (Array.isArray(rest.anyOf) && rest.type === undefined) return { ...rest, anyOf: [...rest.anyOf, { type: 'null' }] };
  return { anyOf: [rest, { type: 'null' }] };
}

/** The JSON Schema of a parameter's value: its `schema` (3.x) or the parameter itself (2.0). */
export function parameterSchema(p: Json): Json {
  if (p.schema) return p.schema;
  const { name: _n, in: _i, required: _r, description: _d, collectionFormat: _c, pointer: _p, ...schema } = p;
  return schema;
}

/** The type a schema names, looking through a reference. */
export function typeOf(doc: Json, schema: Json): string | undefined {
  const s = resolve(doc, schema);
  return s?.type ?? (s?.enum && typeof s.enum[0] === 'number' ? 'number' : undefined);
}

/** A query or path value as the type the schema names, so that `limit=250` checks as a number. */
export function coerce(doc: Json, schema: Json, raw: string): unknown {
  switch (typeOf(doc, schema)) {
    case 'integer':
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}

/** The schema of one property of an object schema, looking through `anyOf`/`oneOf` alternatives. */
export function propertySchema(doc: Json, schema: Json, key: string): Json {
  const s = resolve(doc, schema);
  if (s?.properties?.[key]) return s.properties[key];
  for (const alt of [...(s?.anyOf ?? []), ...(s?.oneOf ?? [])]) {
    const found = propertySchema(doc, alt, key);
    if (Object.keys(found).length > 0) return found;
  }
  return {};
}

/** A query string's values by key, decoded, repeated keys kept in order. */
export function parseQuery(url: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const q = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const pair of q.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}
