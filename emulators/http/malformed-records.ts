import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// Ids are unique only within a resource in some APIs, so a path (ending) can narrow the match.
const bodySchema = z.strictObject({ ids: z.array(z.string()), path: z.string().optional() });

/** The fields most APIs name a record by. */
const DEFAULT_RECORD_ID_FIELDS: readonly string[] = ['id', 'event_id'];

/** True for the objects a test asked to break: matched by any of `idFields`, as strings. */
function matches(value: unknown, ids: ReadonlySet<string>, idFields: readonly string[]): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return idFields.some((field) => record[field] !== undefined && record[field] !== null && ids.has(String(record[field])));
}

function breakRecords(value: unknown, ids: ReadonlySet<string>, idFields: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => (matches(item, ids, idFields) ? 'malformed record' : breakRecords(item, ids, idFields)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, breakRecords(v, ids, idFields)]));
  }
  return value;
}

/**
 * Lets a test make a source send a record it cannot have meant: `POST /_emulator/malformed
 * {"ids": [...], "path"?: "/contacts"}` turns those records, wherever a JSON list carries them, into a bare string.
 * Records are named by any of `idFields` (Amazon's orders by `AmazonOrderId`).
 */
export function installMalformedRecords(app: FastifyInstance, idFields: readonly string[] = DEFAULT_RECORD_ID_FIELDS): void {
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
      return JSON.stringify(breakRecords(JSON.parse(payload), ids, idFields));
    } catch {
      return payload;
    }
  });
}
