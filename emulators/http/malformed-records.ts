import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// Ids are unique only within a resource in some APIs, so a path (ending) can narrow the match.
const bodySchema = z.strictObject({ ids: z.array(z.string()), path: z.string().optional() });

/** True for the objects a test asked to break: matched by `id` or `event_id`, as strings. */
function matches(value: unknown, ids: ReadonlySet<string>): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return [record.id, record.event_id].some((v) => v !== undefined && v !== null && ids.has(String(v)));
}

function breakRecords(value: unknown, ids: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => (matches(item, ids) ? 'malformed record' : breakRecords(item, ids)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, breakRecords(v, ids)]));
  }
  return value;
}

/**
 * Lets a test make a source send a record it cannot have meant: `POST /_emulator/malformed
 * {"ids": [...], "path"?: "/contacts"}` turns those records, wherever a JSON list carries them, into a bare string.
 */
export function installMalformedRecords(app: FastifyInstance): void {
  let ids = new Set<string>();
  let onPath: string | undefined;
  app.post('/_emulator/malformed', async (request, reply) => {
    const parsed = bodySchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: `expected {"ids": ["..."]}: ${parsed.error.issues[0]?.message}` });
    ids = new Set(parsed.data.ids);
    onPath = parsed.data.path;
    return { ids: [...ids], path: onPath ?? null };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (ids.size === 0 || typeof payload !== 'string' || request.url.startsWith('/_emulator/')) return payload;
    if (onPath && !request.url.split('?')[0]!.endsWith(onPath)) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    try {
      return JSON.stringify(breakRecords(JSON.parse(payload), ids));
    } catch {
      return payload;
    }
  });
}
