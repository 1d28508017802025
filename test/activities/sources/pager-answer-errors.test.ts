import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { NON_RETRYABLE_ERROR_NAMES, SourceAnswerError } from '../../../lib/errors';

// A server that answers every request with the one body a test sets: a 200 in a shape the spec cannot read.
let server: FastifyInstance;
let baseUrl: string;
let answer: unknown = null;
let requests = 0;

beforeAll(async () => {
  server = Fastify();
  server.get('/*', async () => {
    requests += 1;
    return answer;
  });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

const charges = stripeSource.streams.find((s) => s.name === 'charges')!;
const request = (): PageRequest => ({
  source: stripeSource,
  stream: charges,
  connection: { id: 'stripe-shop', source: 'stripe', environment: 'sandbox', base_url: baseUrl, credential_env: 'X' },
  credential: 'sk_test_secret',
  limiter: new RateLimiter(1000),
  window: { from: 1_700_000_000, to: 1_800_000_000 },
  pageToken: 'ch_9',
});

async function failure(): Promise<SourceAnswerError> {
  const error = await fetchPage(request()).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SourceAnswerError);
  return error as SourceAnswerError;
}

describe('an answer the stream spec cannot read', () => {
  it('fails at once, with an error Temporal does not retry, naming the connection, the stream and the URL', async () => {
    answer = { object: 'list', has_more: false, items: [] };
    const before = requests;
    const error = await failure();
    expect(requests - before).toBe(1);
    expect(NON_RETRYABLE_ERROR_NAMES).toContain(error.name);
    expect(error.origin).toEqual({
      connectionId: 'stripe-shop',
      source: 'stripe',
      stream: 'charges',
      url: `${baseUrl}/v1/charges?limit=100&starting_after=ch_9&created%5Bgte%5D=1700000000&created%5Blt%5D=1800000000`,
    });
    expect(error.message).toContain('connection "stripe-shop", stream stripe.charges: the answer from /v1/charges has no records array at "data"');
    expect(error.message).toContain(error.origin!.url);
    expect(error.message).toMatch(/; asking again gets the same answer: check recordsPath of stream charges in activities\/sources\/stripe\/spec\.ts/);
    expect(error.message).not.toContain('sk_test_secret');
  });

  it('names where a page ends with a record it cannot page on after', async () => {
    answer = { object: 'list', has_more: true, data: [{ id: 'ch_8' }, { object: 'charge' }] };
    const error = await failure();
    expect(NON_RETRYABLE_ERROR_NAMES).toContain(error.name);
    expect(error.origin).toMatchObject({ connectionId: 'stripe-shop', stream: 'charges' });
    expect(error.message).toMatch(/^connection "stripe-shop", stream stripe\.charges: the answer from \/v1\/charges ends with a record that has no "id" to page on after \(http:/);
  });
});
