import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allSourceSpecs } from '../../../activities/sources/registry';
import type { SourceSpec, StreamSpec } from '../../../activities/sources/spec';
import { specProblems, validateSourceSpecs } from '../../../activities/sources/spec-validation';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { NON_RETRYABLE_ERROR_NAMES, SourceSpecError } from '../../../lib/errors';

const schema = z.record(z.string(), z.unknown());
const orders: StreamSpec = {
  name: 'orders',
  path: '/v1/orders',
  recordsPath: 'data',
  primaryKey: 'id',
  cursorField: 'created',
  window: { fromParam: 'created[gte]', toParam: 'created[lt]', format: 'unix_seconds' },
  schema,
};
const lines: StreamSpec = { ...orders, name: 'lines', path: '/v1/orders/{parent_id}/lines', window: undefined, parent: { stream: 'orders', idField: 'id' } };
const valid: SourceSpec = { ...stripeSource, streams: [orders, lines] };

/** The source with `streams` in place of its own, and `over` on top. */
const spec = (streams: StreamSpec[], over: Partial<SourceSpec> = {}): SourceSpec => ({ ...valid, streams, ...over });

// One broken spec a problem; each names the stream at fault (none for the source as a whole).
const broken: { problem: string; source: SourceSpec; stream?: string; says: RegExp }[] = [
  { problem: 'a stream named twice', source: spec([orders, { ...orders, path: '/v2/orders' }]), stream: 'orders', says: /two streams are named "orders"/ },
  { problem: 'a parent that is no stream', source: spec([lines]), stream: 'lines', says: /parent stream "orders" is not a stream of stripe/ },
  {
    problem: 'parents that form a loop',
    source: spec([orders, { ...lines, name: 'a', path: '/a/{parent_id}', parent: { stream: 'b', idField: 'id' } }, { ...lines, name: 'b', path: '/b/{parent_id}', parent: { stream: 'a', idField: 'id' } }]),
    stream: 'a',
    says: /its parent streams form a loop \(a -> b -> a\)/,
  },
  { problem: 'a path placeholder nothing fills', source: spec([{ ...orders, path: '/v1/accounts/{account_id}/orders' }, lines]), stream: 'orders', says: /\{account_id\} in its path .* is filled by nothing/ },
  {
    problem: "a child path placeholder its parent does not give",
    source: spec([orders, { ...lines, path: '/v1/orders/{parent_id}/lines/{line_id}' }]),
    stream: 'lines',
    says: /\{line_id\} in its path/,
  },
  { problem: 'a parameter placeholder nothing fills', source: spec([{ ...orders, params: { account: '{accountId}' } }, lines]), stream: 'orders', says: /\{accountId\} in its parameter account/ },
  { problem: 'a keepWhere placeholder nothing fills', source: spec([{ ...orders, keepWhere: { field: 'apps', value: '{appId}' } }, lines]), stream: 'orders', says: /\{appId\} in its keepWhere value/ },
  { problem: 'a windowed stream without a cursor field', source: spec([{ ...orders, cursorField: '' }, lines]), stream: 'orders', says: /read by a window but has no cursorField/ },
  { problem: 'a primary key that names no field', source: spec([{ ...orders, primaryKey: 'id+' }, lines]), stream: 'orders', says: /primaryKey "id\+" names no field/ },
  { problem: 'both a window and a client window', source: spec([{ ...orders, clientWindow: { order: 'newest_first' } }, lines]), stream: 'orders', says: /both a window and a clientWindow/ },
  {
    problem: 'a retention limit on a window that is no Graph time range',
    source: spec([{ ...orders, window: { ...orders.window!, maxHistoryDays: 30 } }, lines]),
    stream: 'orders',
    says: /maxHistoryDays is set but format is unix_seconds/,
  },
  { problem: 'a single record that pages', source: spec([orders, { ...lines, singleRecord: true }]), stream: 'lines', says: /answers a single record but pages/ },
  { problem: 'a stream read as reports without a report API', source: spec([{ ...orders, report: { reportType: 'R', maxWindowDays: 30, historyDays: 90, reportField: 'report' } }, lines]), stream: 'orders', says: /no reportApi/ },
  { problem: 'a parent that gives the child nothing', source: spec([orders, { ...lines, path: '/v1/lines', parent: { stream: 'orders' } }]), stream: 'lines', says: /gives no value to read the child by/ },
  { problem: 'a parent value the child path does not use', source: spec([orders, { ...lines, parent: { stream: 'orders', idField: 'id', pathFields: { store: 'store_id' } } }]), stream: 'lines', says: /gives \{store\} but its path/ },
  { problem: "a stream's page size of 0", source: spec([orders, { ...lines, pagination: { type: 'offset', limitParam: 'limit', offsetParam: 'offset', pageSize: 0 } }]), stream: 'lines', says: /pageSize 0 is not a positive whole number/ },
  {
    problem: 'a first page that is no page number',
    source: spec([orders, lines], { pagination: { type: 'page_number', pageParam: 'page', pageSizeParam: 'limit', pageSize: 50, firstPage: -1 } }),
    says: /firstPage -1 is not a page number/,
  },
  { problem: 'a request budget of nothing', source: spec([orders, lines], { requestsPerSecond: { live: 0, sandbox: 20 } }), says: /requestsPerSecond.live is 0/ },
  { problem: 'a negative lookback', source: spec([orders, lines], { lookbackSeconds: -1 }), says: /lookbackSeconds is -1/ },
  {
    problem: 'an environment check with a placeholder nothing fills',
    source: spec([orders, lines], { environmentCheck: { path: '/v1/apps/{appId}', field: 'sandbox', sandboxValue: true, subject: 'app', kind: 'app' } }),
    says: /\{appId\} in environmentCheck.path/,
  },
  { problem: 'no streams at all', source: spec([]), says: /declares no streams/ },
];

describe('validating a source spec', () => {
  it.each(broken)('finds $problem, and only that', ({ source, stream, says }) => {
    const problems = specProblems(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.stream).toBe(stream);
    expect(problems[0]!.problem).toMatch(says);
  });

  it.each(broken)('refuses $problem with a non-retryable error naming the source, the stream and the fix', ({ source, stream, says }) => {
    let thrown: unknown;
    try {
      validateSourceSpecs([valid, source]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SourceSpecError);
    const error = thrown as SourceSpecError;
    expect(NON_RETRYABLE_ERROR_NAMES).toContain(error.name);
    expect(error.source).toBe('stripe');
    expect(error.stream).toBe(stream);
    expect(error.message).toMatch(says);
    expect(error.message).toMatch(new RegExp(`^stripe${stream ? ` stream ${stream}` : ''}: .*; .+ in activities/sources/stripe/spec\\.ts$`));
  });

  it("fills placeholders from the path parameters every connection of the source must set", () => {
    const perApplication: StreamSpec = { ...orders, path: '/v1/applications/{applicationId}/orders', params: { app: '{applicationId}' } };
    expect(specProblems({ ...valid, name: 'talonone', streams: [perApplication, lines] })).toEqual([]);
    expect(specProblems({ ...valid, streams: [perApplication, lines] }).map((p) => p.problem)).toEqual([
      expect.stringMatching(/\{applicationId\} in its path/),
      expect.stringMatching(/\{applicationId\} in its parameter app/),
    ]);
  });

  it('says how many more problems a spec has beyond the first', () => {
    expect(() => validateSourceSpecs([spec([{ ...orders, cursorField: '' }, { ...lines, parent: { stream: 'missing', idField: 'id' } }])])).toThrow(/the spec has 1 more problem\(s\)$/);
  });

  it('finds nothing wrong with the real specs', () => {
    const sources = allSourceSpecs();
    expect(sources.map((s) => s.name).sort()).toEqual(['activecampaign', 'amazon_seller', 'bigcommerce', 'facebook_ads', 'stripe', 'talonone', 'thrivecart']);
    for (const source of sources) expect(specProblems(source), source.name).toEqual([]);
    expect(() => validateSourceSpecs(sources)).not.toThrow();
  });
});
