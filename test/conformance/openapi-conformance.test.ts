import { describe, expect, it } from 'vitest';
import { ConformanceChecker, type ApiDescription, type Mismatch } from '../support/openapi-conformance';
import type { Exchange } from '../support/recording-proxy';

// The checker against small descriptions written here, one OpenAPI 3.0 and one Swagger 2.0, and
// exchanges made up to break one rule each.

const openapi3: ApiDescription = {
  name: 'shop v3',
  doc: {
    openapi: '3.0.0',
    servers: [{ url: 'https://api.example.com/stores/{store_hash}/v3' }],
    security: [{ token: [] }],
    paths: {
      '/customers': {
        get: {
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 250 } },
            { name: 'id:in', in: 'query', schema: { type: 'array', items: { type: 'integer' } }, explode: false },
            { name: 'created', in: 'query', style: 'deepObject', explode: true, schema: { anyOf: [{ type: 'object', properties: { gte: { type: 'integer' } } }, { type: 'integer' }] } },
            { name: 'expand', in: 'query', style: 'deepObject', explode: true, schema: { type: 'array', items: { type: 'string' } } },
            { name: 'X-Shop', in: 'header', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/CustomerList' } } } },
            '4XX': { content: { 'application/json': { schema: { type: 'object', required: ['title'] } } } },
          },
        },
      },
      '/customers/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': { description: 'one' } } } },
      '/customers/count': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'integer' } } } } } } },
    },
    components: {
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      schemas: {
        CustomerList: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Customer' } } } },
        Customer: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'integer' },
            email: { type: 'string', nullable: true, format: 'email' },
            // Stripe's ways of writing a nullable field: an enum that does not list null, an anyOf with no type.
            status: { type: 'string', nullable: true, enum: ['active', 'closed'] },
            plan: { nullable: true, anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/Plan' }] },
          },
        },
        Plan: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    },
  },
};

const swagger2: ApiDescription = {
  name: 'reports v2',
  doc: {
    swagger: '2.0',
    basePath: '/',
    paths: {
      '/reports': {
        get: {
          parameters: [{ name: 'types', in: 'query', required: true, type: 'array', items: { type: 'string', enum: ['A', 'B'] }, collectionFormat: 'csv' }],
          responses: { '200': { description: 'ok', schema: { type: 'object', properties: { n: { type: 'integer', minimum: 0, exclusiveMinimum: true } } } } },
        },
        post: {
          parameters: [{ name: 'body', in: 'body', required: true, schema: { type: 'object', required: ['reportType'], properties: { reportType: { type: 'string' } } } }],
          responses: { '202': { description: 'accepted', schema: { type: 'object' } } },
        },
      },
    },
  },
};

function exchange(method: string, url: string, status: number, body: unknown, more: Partial<Exchange> = {}): Exchange {
  return {
    method,
    url,
    requestHeaders: { 'x-shop': 'one', 'x-auth-token': 'secret' },
    requestBody: '',
    status,
    responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
    responseBody: body === undefined ? '' : JSON.stringify(body),
    ...more,
  };
}

function check(...xs: Exchange[]): Pick<Mismatch, 'operation' | 'where' | 'message'>[] {
  const checker = new ConformanceChecker([openapi3, swagger2]);
  for (const x of xs) checker.check(x);
  return checker.mismatches().map(({ operation, where, message }) => ({ operation, where, message }));
}

const customers = '/stores/abc123/v3/customers';

describe('conformance checker', () => {
  it('passes exchanges that follow the description: server variables, nullable, deep objects, csv arrays, ranges of statuses', () => {
    expect(
      check(
        exchange('GET', `${customers}?limit=250&id:in=1,2&created[gte]=1700000000`, 200, { data: [{ id: 1, email: null }, { id: 2, email: 'a@example.com' }] }),
        exchange('GET', `${customers}?expand[]=data.a&expand[]=data.b`, 200, { data: [] }),
        exchange('GET', `${customers}?expand[0]=data.a&expand[1]=data.b`, 200, { data: [] }),
        exchange('GET', customers, 404, { title: 'Not found' }),
        exchange('GET', '/stores/abc123/v3/customers/7', 200, undefined),
        exchange('GET', '/stores/abc123/v3/customers/count', 200, 3),
        exchange('GET', '/reports?types=A,B', 200, { n: 1 }),
        exchange('POST', '/reports', 202, {}, { requestBody: JSON.stringify({ reportType: 'A' }) }),
      ),
    ).toEqual([]);
  });

  it('admits null where an OpenAPI 3.0 schema is nullable, on an enum and on an anyOf too, and still checks other values', () => {
    expect(check(exchange('GET', customers, 200, { data: [{ id: 1, status: null, plan: null }, { id: 2, status: 'closed', plan: { id: 'p' } }, { id: 3, plan: 'p' }] }))).toEqual([]);
    const found = check(exchange('GET', customers, 200, { data: [{ id: 1, status: 'gone', plan: {} }] }));
    expect(found).toContainEqual({ operation: 'GET /customers', where: '200', message: 'body/data/*/status must be equal to one of the allowed values ["active","closed",null]' });
    expect(found).toContainEqual({ operation: 'GET /customers', where: '200', message: "body/data/*/plan must have required property 'id'" });
    expect(found).toContainEqual({ operation: 'GET /customers', where: '200', message: 'body/data/*/plan must match a schema in anyOf' });
  });

  it('takes an array deep object by index only: a named property is no item', () => {
    expect(check(exchange('GET', `${customers}?expand[first]=data.a`, 200, { data: [] }))).toEqual([
      { operation: 'GET /customers', where: 'request', message: 'query parameter expand must be array' },
    ]);
  });

  it('names a path that no description has', () => {
    expect(check(exchange('GET', '/stores/abc123/v3/orders', 200, []))).toEqual([
      { operation: '', where: 'request', message: 'GET /stores/abc123/v3/orders: no operation of the descriptions has this path' },
    ]);
  });

  it('names undeclared, missing and ill-typed parameters', () => {
    expect(
      check(
        exchange('GET', `${customers}?limit=many&page=2&created[gte]=yesterday`, 200, { data: [] }, { requestHeaders: {} }),
        exchange('GET', '/stores/abc123/v3/customers/seven', 200, undefined),
        exchange('GET', '/reports?types=A,C', 200, { n: 1 }),
        exchange('GET', '/reports', 200, { n: 1 }),
      ),
    ).toEqual([
      { operation: 'GET /customers', where: 'request', message: 'carries none of the credentials the description asks for (token)' },
      { operation: 'GET /customers', where: 'request', message: 'query parameter limit must be integer' },
      { operation: 'GET /customers', where: 'request', message: 'query parameter page is not declared' },
      { operation: 'GET /customers', where: 'request', message: 'query parameter created/gte must be integer' },
      { operation: 'GET /customers', where: 'request', message: 'query parameter created must be integer' },
      { operation: 'GET /customers', where: 'request', message: 'query parameter created must match a schema in anyOf' },
      { operation: 'GET /customers', where: 'request', message: 'required header X-Shop is missing' },
      { operation: 'GET /customers/{id}', where: 'request', message: 'path parameter id must be integer' },
      { operation: 'GET /reports', where: 'request', message: 'query parameter types/1 must be equal to one of the allowed values' },
      { operation: 'GET /reports', where: 'request', message: 'required query parameter types is missing' },
    ]);
  });

  it('names answers that differ from the described schema, status or body', () => {
    expect(
      check(
        exchange('GET', customers, 200, { data: [{ id: '1', email: 'not an address' }, { id: 2 }] }),
        exchange('GET', customers, 500, { title: 'oops' }),
        exchange('GET', '/stores/abc123/v3/customers/7', 200, { id: 7 }),
        exchange('GET', '/reports?types=A', 200, { n: 0 }),
        exchange('POST', '/reports', 202, {}, { requestBody: JSON.stringify({ type: 'A' }) }),
      ),
    ).toEqual([
      { operation: 'GET /customers', where: '200', message: 'body/data/*/id must be integer' },
      { operation: 'GET /customers', where: '200', message: 'body/data/*/email must match format "email"' },
      { operation: 'GET /customers', where: '500', message: 'status 500 is not described' },
      { operation: 'GET /customers/{id}', where: '200', message: 'has a body where the description gives none' },
      { operation: 'GET /reports', where: '200', message: 'body/n must be > 0' },
      { operation: 'POST /reports', where: 'request', message: "body must have required property 'reportType'" },
    ]);
  });
});
