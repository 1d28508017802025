// Checks recorded HTTP exchanges against a vendor's own API description: OpenAPI 3.0 or Swagger 2.0.
// Knows nothing of cdp's connectors or emulators; the description alone says what is right.
import AjvDraft04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  admitNulls, coerce, escapePointer, operationsOf, parameterSchema, parseQuery, pointerOf, propertySchema, resolve, typeOf,
  type ApiDescription, type Json, type Operation, type Parameter,
} from './openapi-operations';
import type { Exchange } from './recording-proxy';

export { loadDescription, type ApiDescription } from './openapi-operations';

/** The id a description is known by to the validator: its name as a URI path segment. */
const schemaId = (d: ApiDescription) => `urn:cdp-conformance:${d.name.replace(/[^a-z0-9.-]+/gi, '-')}`;

/** One way an exchange differs from the description; the same difference on many records counts once. */
export interface Mismatch {
  description: string;
  operation: string;
  /** `request` or the response status. */
  where: string;
  message: string;
  count: number;
  /** The first value found at that place. */
  example?: unknown;
}

/** Checks exchanges against descriptions; answers every way they differ, and every path no description has. */
export class ConformanceChecker {
  private readonly operations: Operation[];
  private readonly ajv: InstanceType<typeof AjvDraft04>;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly parameterValidators = new WeakMap<Parameter, ValidateFunction>();
  private readonly found = new Map<string, Mismatch>();
  /** The operations exchanges reached, as `METHOD template`. */
  readonly reached = new Set<string>();

  constructor(descriptions: ApiDescription[]) {
    // OpenAPI 3.0's schema object and Swagger 2.0's are both draft-04 dialects (`exclusiveMinimum` is a
    // boolean); an OpenAPI 3.0 `nullable` admits null (see admitNulls). Vendor formats it does not know
    // (`unix-time`, `int32`) are not checked; the standard ones are.
    this.ajv = new AjvDraft04({ strict: false, allErrors: true, logger: false, validateFormats: true });
    (addFormats as unknown as (a: unknown) => void)(this.ajv);
    for (const d of descriptions) this.ajv.addSchema(String(d.doc.openapi ?? '').startsWith('3.0') ? (admitNulls(d.doc) as Json) : d.doc, schemaId(d));
    this.operations = descriptions.flatMap(operationsOf);
  }

  private validator(description: ApiDescription, pointer: string): ValidateFunction {
    // A JSON pointer in a URI fragment: `{id}` in a path's key is percent-encoded.
    const key = `${schemaId(description)}#${pointer.split('/').map((p) => encodeURIComponent(p)).join('/')}`;
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile({ $ref: key });
      this.validators.set(key, v);
    }
    return v;
  }

  private note(op: Operation | undefined, where: string, message: string, example?: unknown): void {
    const operation = op ? `${op.method} ${op.template}` : '';
    const key = `${op?.description.name}|${operation}|${where}|${message}`;
    const m = this.found.get(key);
    if (m) m.count += 1;
    else this.found.set(key, { description: op?.description.name ?? '(none)', operation, where, message, count: 1, example });
  }

  private validate(op: Operation, where: string, pointer: string, value: unknown, label: string): void {
    const v = this.validator(op.description, pointer);
    if (v(value)) return;
    for (const e of v.errors ?? []) {
      const at = `${label}${e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')}`;
      const detail = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      const example = e.instancePath.split('/').slice(1).reduce<any>((o, k) => o?.[k], value);
      this.note(op, where, `${at} ${e.message}${detail}`, example);
    }
  }

  private match(method: string, path: string): { op: Operation; values: string[] } | undefined {
    const candidates = this.operations
      .filter((o) => o.method === method)
      .map((o) => ({ op: o, m: o.pattern.exec(path) }))
      .filter((c) => c.m)
      .sort((a, b) => a.op.variables - b.op.variables);
    const best = candidates[0];
    return best ? { op: best.op, values: best.m!.slice(1) } : undefined;
  }

  /** Checks one exchange: the operation its path names, its parameters and body, then the answer. */
  check(x: Exchange): void {
    const path = x.url.split('?')[0]!;
    const hit = this.match(x.method, path);
    if (!hit) {
      this.note(undefined, 'request', `${x.method} ${path}: no operation of the descriptions has this path`);
      return;
    }
    const { op } = hit;
    this.reached.add(`${op.method} ${op.template}`);
    this.checkCredential(op, x);
    this.checkRequest(op, hit.values, x);
    if (!op.description.requestsOnly) this.checkResponse(op, x);
  }

  /** The request carries one of the credentials the operation's security requirements name. */
  private checkCredential(op: Operation, x: Exchange): void {
    const doc = op.description.doc;
    const requirements = (op.op.security ?? doc.security) as Record<string, string[]>[] | undefined;
    if (!requirements || requirements.length === 0) return;
    const schemes = (doc.components?.securitySchemes ?? doc.securityDefinitions ?? {}) as Record<string, Json>;
    const query = parseQuery(x.url);
    const authorization = x.requestHeaders.authorization ?? '';
    const carries = (s: Json | undefined): boolean => {
      if (!s) return false;
      if (s.type === 'apiKey') return s.in === 'query' ? query.has(s.name) : s.name.toLowerCase() in x.requestHeaders;
      if (s.type === 'basic' || (s.type === 'http' && /^basic$/i.test(s.scheme))) return /^Basic /i.test(authorization);
      return /^Bearer /i.test(authorization);
    };
    if (!requirements.some((r) => Object.keys(r).every((name) => carries(schemes[name])))) {
      this.note(op, 'request', `carries none of the credentials the description asks for (${requirements.map((r) => Object.keys(r).join(' and ')).join(', ')})`);
    }
  }

  private checkRequest(op: Operation, pathValues: string[], x: Exchange): void {
    const doc = op.description.doc;
    const check = (p: Parameter, value: unknown) => {
      if (p.schema) return this.validate(op, 'request', `${p.pointer}/schema`, value, `${p.in} parameter ${p.name}`);
      // A Swagger 2.0 parameter is its own schema, beside `name`, `in` and the rest.
      let v = this.parameterValidators.get(p);
      if (!v) this.parameterValidators.set(p, (v = this.ajv.compile(parameterSchema(p))));
      if (!v(value)) for (const e of v.errors ?? []) this.note(op, 'request', `${p.in} parameter ${p.name}${e.instancePath} ${e.message}`, value);
    };

    const params = op.parameters;
    // Path.
    op.pathParamNames.forEach((name, i) => {
      const p = params.find((q) => q.in === 'path' && q.name === name);
      if (!p) return this.note(op, 'request', `path parameter ${name} is not declared`);
      check(p, coerce(doc, parameterSchema(p), decodeURIComponent(pathValues[i]!)));
    });

    // Query: every key sent is declared; `name[key]` is a deepObject parameter's property.
    const query = parseQuery(x.url);
    const deep = new Map<string, unknown>();
    for (const [key, values] of query) {
      const p = params.find((q) => q.in === 'query' && q.name === key);
      if (p) {
        const schema = parameterSchema(p);
        let items = values;
        const format = p.collectionFormat ?? (p.schema ? (p.explode === false ? 'csv' : 'multi') : 'csv');
        if (typeOf(doc, schema) === 'array') {
          if (format !== 'multi' && values.length === 1) items = values[0]!.split(format === 'pipes' ? '|' : format === 'ssv' ? ' ' : ',');
          const itemSchema = resolve(doc, schema).items ?? {};
          check(p, items.map((v) => coerce(doc, itemSchema, v)));
        } else {
          if (values.length > 1) this.note(op, 'request', `query parameter ${key} is sent ${values.length} times but takes one value`);
          check(p, coerce(doc, schema, values[0]!));
        }
        continue;
      }
      const m = /^([^[\]]+)\[([^\]]*)\]$/.exec(key);
      const dp = m ? params.find((q) => q.in === 'query' && q.name === m[1] && q.style === 'deepObject') : undefined;
      if (dp && m) {
        const [, name, property] = m as unknown as [string, string, string];
        const schema = parameterSchema(dp);
        if (typeOf(doc, schema) === 'array' && (property === '' || /^\d+$/.test(property))) {
          // `expand[]=a&expand[]=b`, or with indices as Stripe's clients send it (`expand[0]=a&expand[1]=b`):
          // an array sent as a deep object.
          const items = (deep.get(name) ?? []) as unknown[];
          items.push(...values.map((v) => coerce(doc, resolve(doc, schema).items ?? {}, v)));
          deep.set(name, items);
        } else {
          const obj = (deep.get(name) ?? {}) as Record<string, unknown>;
          const ps = propertySchema(doc, schema, property);
          obj[property] = values.length === 1 ? coerce(doc, ps, values[0]!) : values.map((v) => coerce(doc, ps, v));
          deep.set(name, obj);
        }
        continue;
      }
      this.note(op, 'request', `query parameter ${key} is not declared`, values[0]);
    }
    for (const [name, value] of deep) check(params.find((q) => q.in === 'query' && q.name === name)!, value);
    for (const p of params) {
      if (p.in === 'query' && p.required && !query.has(p.name) && !deep.has(p.name)) this.note(op, 'request', `required query parameter ${p.name} is missing`);
      // OpenAPI 3 ignores header parameters named Accept, Content-Type and Authorization.
      if (p.in === 'header' && p.required && !(p.name.toLowerCase() in x.requestHeaders) && !(op.description.doc.openapi && ['accept', 'content-type', 'authorization'].includes(p.name.toLowerCase()))) {
        this.note(op, 'request', `required header ${p.name} is missing`);
      }
    }

    // Body: a 3.x requestBody or a 2.0 `in: body` parameter.
    const bodyParam = params.find((p) => p.in === 'body');
    const requestBody = op.op.requestBody ? resolve(doc, op.op.requestBody) : undefined;
    const bodyPointer = bodyParam ? `${bodyParam.pointer}/schema` : requestBody?.content?.['application/json']?.schema ? `${pointerOf(op.op.requestBody, `${op.pointer}/requestBody`)}/content/application~1json/schema` : undefined;
    if (bodyPointer) {
      if (x.requestBody === '') {
        if (bodyParam?.required || requestBody?.required) this.note(op, 'request', 'the required body is missing');
      } else {
        let body: unknown;
        try {
          body = JSON.parse(x.requestBody);
        } catch {
          return this.note(op, 'request', 'the body is not JSON', x.requestBody.slice(0, 100));
        }
        this.validate(op, 'request', bodyPointer, body, 'body');
      }
    }
  }

  private checkResponse(op: Operation, x: Exchange): void {
    const doc = op.description.doc;
    const responses = (op.op.responses ?? {}) as Json;
    const status = String(x.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses);
    const where = status;
    if (!key) return this.note(op, where, `status ${status} is not described`);
    const response = resolve(doc, responses[key]);
    const responsePointer = pointerOf(responses[key], `${op.pointer}/responses/${escapePointer(key)}`);
    let schemaPointer: string | undefined;
    if (doc.swagger) {
      if (response.schema) schemaPointer = `${responsePointer}/schema`;
    } else if (response.content) {
      const type = (x.responseHeaders['content-type'] ?? '').split(';')[0]!.trim();
      const media = type in response.content ? type : 'application/json' in response.content ? 'application/json' : Object.keys(response.content)[0]!;
      if (type && !(type in response.content)) this.note(op, where, `content type ${type} is not described (${Object.keys(response.content).join(', ')})`);
      if (response.content[media]?.schema) schemaPointer = `${responsePointer}/content/${escapePointer(media)}/schema`;
    }
    if (!schemaPointer) {
      if (x.responseBody.trim() !== '' && !doc.swagger) this.note(op, where, 'has a body where the description gives none', x.responseBody.slice(0, 100));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(x.responseBody);
    } catch {
      return this.note(op, where, 'the body is not JSON', x.responseBody.slice(0, 100));
    }
    this.validate(op, where, schemaPointer, body, 'body');
  }

  /** Every difference found so far, one entry per place and kind. */
  mismatches(): Mismatch[] {
    return [...this.found.values()];
  }
}

/** One line per mismatch, for a test's failure message. */
export function describeMismatches(ms: Mismatch[]): string {
  return ms
    .map((m) => `${m.description}: ${m.operation} [${m.where}] ${m.message} (${m.count}x${m.example === undefined ? '' : `, e.g. ${JSON.stringify(m.example)?.slice(0, 120)}`})`)
    .join('\n');
}
