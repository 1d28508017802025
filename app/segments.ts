import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { LoadedConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { compileSegment } from '../lib/segments/compile';
import { segmentIdOf, validateDefinition, type SegmentDefinition } from '../lib/segments/definition';
import { CUSTOMER_SEGMENT, existingSegmentFile, findSegment, loadSegments, segmentFileId, segmentFilesNamed, statedSegmentId, writeSegment, type LoadedSegment } from '../lib/segments/files';
import { AMOUNT_SPENT, MEMBER_COLUMNS } from '../lib/segments/member-columns';
import { purgeSegments } from '../lib/segments/purge-segments';
import { openSegmentStore } from '../lib/segments/open-segment-store';
import { STORE } from '../lib/segments/segment-store';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';

// Segments as definitions: listed with their last materialization, previewed on the warehouse
// without materializing, and created, changed and deleted as the YAML files under segments_dir. A
// new segment gets a random id that its edits keep; deleting one deletes its history with it, so a
// later segment of the same name starts with nothing.

type Row = Record<string, unknown>;

/** A segment's last materialization. */
export interface LastRun {
  members: number;
  entered: number;
  exited: number;
  materializedAt: Date;
}

export interface SegmentPreview {
  segment: SegmentDefinition;
  count: number;
  rows: Row[];
  ms: number;
}

/** Each segment's last materialization by segment id, from the run log alone: no warehouse needed. */
export async function lastRuns(config: LoadedConfig): Promise<Map<string, LastRun>> {
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    const rows = (
      await db.runAndReadAll(`SELECT * FROM ${STORE.runs} QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY materialized_at DESC) = 1`)
    ).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.segment_id), { members: Number(r.members), entered: Number(r.entered), exited: Number(r.exited), materializedAt: r.materialized_at as Date }]));
  } finally {
    close();
  }
}

/** Every segment with its last materialization, and an error for each file that is not a valid segment. */
export async function listSegments(config: LoadedConfig): Promise<{ segments: (LoadedSegment & { lastRun?: LastRun })[]; errors: ConfigError[] }> {
  const { segments, errors } = loadSegments(config);
  const runs = await lastRuns(config);
  return { segments: segments.map((s) => ({ ...s, lastRun: runs.get(segmentIdOf(s.definition)) })), errors };
}

/** One segment by name (or a definition file by path) with its last materialization. */
export async function segmentDetail(config: LoadedConfig, nameOrFile: string): Promise<LoadedSegment & { lastRun?: LastRun }> {
  const loaded = findSegment(config, nameOrFile);
  return { ...loaded, lastRun: (await lastRuns(config)).get(segmentIdOf(loaded.definition)) };
}

/** Whether a segment of that name exists: a file of it, valid or not (a name is only ever one segment), or the generated one. */
export function segmentExists(config: LoadedConfig, name: string): boolean {
  return name === CUSTOMER_SEGMENT || existingSegmentFile(config, name) !== undefined;
}

/** Runs the segment's rules on the warehouse without materializing: the count and the first members. */
export async function previewSegment(config: LoadedConfig, nameOrFile: string, limit: number): Promise<SegmentPreview> {
  return previewDefinition(config, findSegment(config, nameOrFile).definition, limit);
}

/**
 * Counts a validated definition's members in the warehouse now and lists the first of them (most
 * spent first), without materializing it. The count runs the rules alone; the list runs them on the
 * first people by amount spent, in the list's order, which holds the first members whenever it
 * holds as many members as the list shows; else on a longer prefix, up to everyone.
 */
export async function previewDefinition(config: LoadedConfig, definition: SegmentDefinition, limit: number): Promise<SegmentPreview> {
  const { db, close } = await openWarehouseReadOnly(config);
  try {
    const started = Date.now();
    const ctx = { now: new Date(), timezone: config.timezone };
    const counted = compileSegment(definition, ctx, '1');
    const count = Number((await db.runAndReadAll(`SELECT count(*) AS n FROM (${counted.sql})`, counted.params)).getRowObjectsJS()[0]!.n);
    const wanted = Math.min(limit, count);
    let rows: Row[] = [];
    if (wanted > 0) {
      const people = Number((await db.runAndReadAll('SELECT count(*) AS n FROM marts.customer_metrics')).getRowObjectsJS()[0]!.n);
      let first = Math.min(people, Math.ceil((wanted * people * 1.25) / count) + 100);
      for (;;) {
        const base = `core.customers as c join (
          select * from marts.customer_metrics as m order by ${AMOUNT_SPENT} desc nulls last, m.customer_id limit ${first}
        ) as m using (customer_id)`;
        const members = compileSegment(definition, ctx, MEMBER_COLUMNS, base);
        rows = (await db.runAndReadAll(`SELECT * FROM (${members.sql}) ORDER BY amount_spent DESC NULLS LAST, customer_id LIMIT ?`, [...members.params, limit])).getRowObjectsJS();
        if (rows.length >= wanted || first >= people) break;
        first = Math.min(people, first * 4);
      }
    }
    return { segment: definition, count, rows, ms: Date.now() - started };
  } finally {
    close();
  }
}

/**
 * Writes a new segment's file with a fresh random id, validated first; refused when a file of that
 * name exists. An id among the fields is never used: nothing of an earlier segment can be claimed.
 */
export function createSegment(config: LoadedConfig, fields: { name: string; environment: string; description?: string; rules: unknown }): Required<LoadedSegment> {
  const existing = existingSegmentFile(config, fields.name);
  if (existing) throw new ConfigError(`segment "${fields.name}" already exists (${existing}); use \`cdp segment edit ${fields.name}\``);
  const definition = validateDefinition({ ...fields, id: randomUUID() }, `segment ${fields.name}`);
  return { definition, file: writeSegment(config, definition) };
}

/** Changes some parts of a segment's definition, keeping the rest and its id; nothing is saved unless the result is valid. Returns the file. */
export function changeSegment(config: LoadedConfig, name: string, changes: { environment?: string; description?: string; rules?: unknown }): string {
  const { definition } = findSegment(config, name);
  const next = validateDefinition(
    {
      name: definition.name,
      ...(definition.id === undefined ? {} : { id: definition.id }),
      environment: changes.environment ?? definition.environment,
      description: changes.description ?? definition.description,
      rules: changes.rules ?? definition.rules,
    },
    `segment ${name}`,
  );
  return writeSegment(config, next);
}

/** Replaces a segment's whole definition, validated as `where` says; its name and its file's id stay, whatever `raw` says. Returns the file. */
export function replaceSegment(config: LoadedConfig, name: string, raw: object, where: string): string {
  const file = existingSegmentFile(config, name);
  const id = file && statedSegmentId(file);
  const { id: _, ...rest } = raw as { id?: unknown };
  return writeSegment(config, validateDefinition({ ...rest, name, ...(id ? { id } : {}) }, where));
}

/**
 * Deletes a segment's file (`.yaml` or `.yml`) and its members, history and runs. Returns what
 * follows, and the ids whose owners and grants are now to be forgotten. Deleting `customers.yaml`
 * brings the generated definition back under the same id, so its history stays.
 */
export async function deleteSegment(config: LoadedConfig, name: string): Promise<{ message: string; deletedIds: string[] }> {
  const files = segmentFilesNamed(config, name);
  if (files.length === 0) {
    if (name === CUSTOMER_SEGMENT) throw new ConfigError(`the ${CUSTOMER_SEGMENT} segment is generated from the config's customers section; there is no file to delete`);
    findSegment(config, name);
  }
  const deletedIds = [...new Set(files.map(segmentFileId))].filter((id) => !(name === CUSTOMER_SEGMENT && id === CUSTOMER_SEGMENT));
  // The rows go first: should that fail, the file is still there to delete again.
  await purgeSegments(config, deletedIds);
  for (const file of files) fs.rmSync(file);
  const shown = files.join(' and ');
  const message =
    name === CUSTOMER_SEGMENT && deletedIds.length === 0
      ? `deleted ${shown}; the ${CUSTOMER_SEGMENT} segment follows the config's customers section again`
      : name === CUSTOMER_SEGMENT
        ? `deleted ${shown} with its membership history; the ${CUSTOMER_SEGMENT} segment follows the config's customers section again`
        : `deleted ${shown} with its members and membership history; a new segment of this name starts empty`;
  return { message, deletedIds };
}
