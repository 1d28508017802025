import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { z } from 'zod';
import { runMaterializeSegments } from '../../app/builds';
import { customAttributeFields } from '../../app/segment-fields';
import { createSegment, deleteSegment, listSegments, previewDefinition, replaceSegment, segmentDetail, segmentExists, type LastRun } from '../../app/segments';
import type { LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { CUSTOMER_FIELDS, ENTITIES, NO_VALUE, OPERATOR_HELP, OPERATORS, type FieldSpec } from '../../lib/segments/catalog';
import { CURRENCY_CODES } from '../../lib/segments/currencies';
import { SEGMENT_NAME, segmentIdOf, type SegmentDefinition } from '../../lib/segments/definition';
import { existingSegmentIds, segmentPath } from '../../lib/segments/files';
import { definitionBody, type SavedSegment, type SegmentInfo, type SegmentList, type SegmentPreview, type SegmentSummary } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, notFound, parseInput } from '../http-errors';
import { withoutServerPaths } from '../public-message';
import { requireEnvironment } from '../access/rights';
import { requireSegment, segmentAccess, segmentRef } from '../segments/access';
import { validDefinition } from '../segments/problems';
import type { User } from '../store/app-store';
import { hasWarehouse, jsonRows } from '../warehouse-read';

// Segments: the list, one definition, the live count of a draft (the preview path: the rules run
// on the warehouse, nothing is stored), and saving, which writes the same YAML files the CLI
// writes, validated the same way.

const nameParams = z.object({ name: z.string().regex(SEGMENT_NAME, 'a segment name') });

/** The rule language without its SQL: what the builder's pickers and the help panel show. */
function publicCatalog(config: LoadedConfig) {
  const fields = (specs: Record<string, FieldSpec>) =>
    Object.fromEntries(
      Object.entries(specs).map(([name, s]) => [
        name,
        { type: s.type, description: s.description, ...(s.choices ? { choices: s.choices } : {}), ...(s.currency ? { currency: true } : {}), ...(s.operators ? { operators: s.operators } : {}) },
      ]),
    );
  return {
    customerFields: fields(CUSTOMER_FIELDS),
    entities: Object.fromEntries(Object.entries(ENTITIES).map(([name, e]) => [name, { description: e.description, fields: fields(e.fields) }])),
    operators: OPERATORS,
    operatorHelp: OPERATOR_HELP,
    noValue: [...NO_VALUE],
    countOperators: ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between'],
    // For amounts in one currency: the reporting currency and those with a rate first, then every code.
    currencies: [...new Set([config.reporting_currency, ...Object.keys(config.currency_rates).sort(), ...CURRENCY_CODES])],
  };
}

const runFields = (run: LastRun | undefined) => ({ members: run?.members ?? null, materializedAt: run?.materializedAt.toISOString() ?? null });

function ownerLabel(segmentId: string, owners: Map<string, number>, emails: Map<number, string>): string {
  const id = owners.get(segmentId);
  return id === undefined ? 'admins (segment file)' : (emails.get(id) ?? 'a removed user');
}

/** Owners and grants of segment ids no file has any more (deleted with the CLI): a file written later with that name as its id starts afresh. */
async function forgetVanished(ctx: ServerContext, owners: Map<string, number>): Promise<void> {
  const ids = existingSegmentIds(ctx.config);
  for (const segmentId of owners.keys()) if (!ids.has(segmentId)) await ctx.store.forgetSegment(segmentId);
}

/** Every account's email by id, for owner labels. */
const emailsById = async (ctx: ServerContext): Promise<Map<number, string>> => new Map((await ctx.store.listUsers()).map((u) => [u.id, u.email]));

async function segmentList(ctx: ServerContext, user: User): Promise<SegmentList> {
  const { segments, errors } = await listSegments(ctx.config);
  await forgetVanished(ctx, await ctx.store.segmentOwners());
  const owners = await ctx.store.segmentOwners();
  const emails = await emailsById(ctx);
  const list: SegmentList = { owned: [], shared: [], ownedByOthers: [], invalid: [] };
  for (const s of segments) {
    const { name, environment } = s.definition;
    const id = segmentIdOf(s.definition);
    const access = await segmentAccess(ctx, user, { name, id, environment, ownerId: owners.get(id) });
    if (!access.read) continue;
    const row: SegmentSummary = { name, environment, description: s.definition.description ?? '', owner: ownerLabel(id, owners, emails), ...runFields(s.lastRun) };
    if (access.owned) list.owned.push(row);
    else if (user.isAdmin && owners.has(id)) list.ownedByOthers.push(row);
    else
      list.shared.push({
        ...row,
        permissions: { read: true, edit: access.edit, delete: access.delete },
        expiresAt: access.expiresAtMs === null ? null : new Date(access.expiresAtMs).toISOString(),
      });
  }
  // Invalid files are the admins' to fix, as they own what the CLI wrote.
  if (user.isAdmin) list.invalid = errors.map((e) => withoutServerPaths(ctx.config, e.message));
  return list;
}

/** Counts a draft with `cdp segment preview`'s own code. */
async function previewDraft(ctx: ServerContext, draft: SegmentDefinition): Promise<SegmentPreview> {
  const preview = await previewDefinition(ctx.config, draft, 10);
  return { count: preview.count, ms: preview.ms, members: jsonRows(preview.rows) };
}

/** Registers the routes of the segment catalog, list, definitions, previews, saving and materializing. */
export function registerSegmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const fileOf = (name: string) => path.relative(path.dirname(ctx.config.file), segmentPath(ctx.config, name));

  app.get('/api/catalog', async () => publicCatalog(ctx.config));
  // Each Talon.One Application's custom attributes, for `has: profile_attribute` rules; none before the first build.
  app.get('/api/catalog/custom-attributes', async () => ({ applications: await customAttributeFields(ctx.config) }));

  app.get('/api/segments', async (request) => segmentList(ctx, request.user!));

  app.get('/api/segments/:name', async (request): Promise<SegmentInfo> => {
    const { name } = parseInput(nameParams, request.params);
    const access = await requireSegment(ctx, request.user!, name, 'read');
    let detail: Awaited<ReturnType<typeof segmentDetail>>;
    try {
      detail = await segmentDetail(ctx.config, name);
    } catch (err) {
      if (err instanceof ConfigError) throw notFound(`segment "${name}"`);
      throw err;
    }
    return {
      definition: detail.definition,
      file: detail.file ? path.relative(path.dirname(ctx.config.file), detail.file) : null,
      owner: ownerLabel(segmentIdOf(detail.definition), await ctx.store.segmentOwners(), await emailsById(ctx)),
      access: { ...access, expiresAt: access.expiresAtMs === null ? null : new Date(access.expiresAtMs).toISOString() },
      ...runFields(detail.lastRun),
    };
  });

  // A preview lists customers: it needs the right to read the environment the draft's rules run on.
  app.post('/api/segments/preview', async (request) => {
    const draft = validDefinition({ ...parseInput(definitionBody, request.body), name: 'draft' });
    await requireEnvironment(ctx, request.user!, draft.environment, 'read');
    if (!hasWarehouse(ctx.config)) throw new HttpError(409, 'no warehouse yet: run a sync and a build first');
    return previewDraft(ctx, draft);
  });

  app.post('/api/segments', async (request, reply): Promise<SavedSegment> => {
    const definition = validDefinition(parseInput(definitionBody, request.body));
    // A segment's members are customers of its environment: making one needs the right to change it.
    await requireEnvironment(ctx, request.user!, definition.environment, 'edit');
    // The same answer whoever holds the name: a creator learns that it is taken, not whose it is or what it holds.
    if (segmentExists(ctx.config, definition.name)) throw new HttpError(409, `the name "${definition.name}" is not available; pick another name`, [{ path: 'name', message: 'this name is taken' }]);
    // The id is cdp's own, never one from the request: nothing of an earlier segment can be claimed.
    const created = createSegment(ctx.config, definition);
    await ctx.store.setSegmentOwner(segmentIdOf(created.definition), request.user!.id, ctx.nowMs());
    reply.code(201);
    return { name: definition.name, file: fileOf(definition.name) };
  });

  app.put('/api/segments/:name', async (request): Promise<SavedSegment> => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'edit');
    if (!segmentExists(ctx.config, name)) throw notFound(`segment "${name}"`);
    const body = parseInput(definitionBody, request.body);
    if (body.name !== undefined && body.name !== name) throw new HttpError(422, 'a segment keeps its name; create a new one to rename it', [{ path: 'name', message: 'cannot be changed' }]);
    const next = validDefinition({ ...body, name });
    if (next.environment !== (await segmentRef(ctx, name))?.environment) await requireEnvironment(ctx, request.user!, next.environment, 'edit');
    replaceSegment(ctx.config, name, next, 'definition');
    return { name, file: fileOf(name) };
  });

  app.delete('/api/segments/:name', async (request) => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'delete');
    if (!segmentExists(ctx.config, name)) throw notFound(`segment "${name}"`);
    const { message, deletedIds } = await deleteSegment(ctx.config, name);
    for (const segmentId of deletedIds) await ctx.store.forgetSegment(segmentId);
    return { message: withoutServerPaths(ctx.config, message) };
  });

  // Materializing goes through the same build-chain workflow as `cdp segment materialize`.
  app.post('/api/segments/:name/materialize', async (request) => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'edit');
    const client = await ctx.temporal.client();
    const result = await runMaterializeSegments(client, [name], ctx.temporal.target.taskQueue);
    const failed = result.failed.find((f) => f.segment === name);
    if (failed) throw new HttpError(409, `not materialized: ${failed.error}`);
    return result.segments.find((s) => s.segment === name) ?? null;
  });
}
