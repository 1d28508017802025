import Fastify from 'fastify';
import { afterAll, beforeAll } from 'vitest';

/**
 * A server answering every GET with the next queued answer, recording what was asked: a test
 * queues the pages it wants the source to answer with. Started before the file's tests, closed after.
 */
export function scriptedServer(opts: { path?: string; noAnswer: unknown }) {
  const answers: { status: number; body: unknown }[] = [];
  const seen: { url: string; auth?: string; headers: Record<string, unknown> }[] = [];
  const server = Fastify();
  server.get('/*', async (req, reply) => {
    seen.push({ url: req.url, auth: req.headers.authorization, headers: req.headers });
    const next = answers.shift() ?? { status: 500, body: opts.noAnswer };
    reply.status(next.status);
    return next.body;
  });
  const state = { answers, seen, baseUrl: '' };
  beforeAll(async () => {
    state.baseUrl = `${await server.listen({ port: 0, host: '127.0.0.1' })}${opts.path ?? ''}`;
  });
  afterAll(() => server.close());
  return state;
}
