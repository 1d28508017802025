import type { LoadedConfig } from '../config';
import { openWarehouseReadOnly } from '../warehouse/open-read-only';
import { compileSegment } from './compile';
import { segmentIdOf } from './definition';
import { findSegment, loadSegments, segmentFileId, type LoadedSegment } from './files';
import fs from 'node:fs';
import { commitFile } from '../fs-atomic';
import { sqlString } from '../sql';
import { purgeStored } from './purge-segments';
import {
  changeFile,
  currentMembersSource,
  HISTORY_COLUMNS,
  historyFiles,
  emptySelect,
  isLegacyHistory,
  membersFile,
  parquetRowCount,
  replaceParquet,
  runsSource,
  segmentStore,
  staysOf,
  storedRelation,
} from './segment-store';

export interface SegmentOutcome {
  segment: string;
  environment: string;
  members: number;
  entered: number;
  exited: number;
  durationMs: number;
}

export interface MaterializeResult {
  materializedAt: string;
  segments: SegmentOutcome[];
  /** Segments that could not be materialized (invalid file, failing query), with why; their members are left as they were. */
  failed: { segment: string; error: string }[];
  /** Segments whose definition is gone (a file removed by hand): their members, history and runs were deleted. */
  removed: string[];
  durationMs: number;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Recomputes the members of the given segments (all by default) and records who entered and who
 * left in the membership history: an entry is a new row (marked as a backfill entry when the
 * newest record about the person was landed by a historical sync, and as initial on a segment's
 * first materialization), an exit the entry's row again with its exit time. Each segment is
 * compared with its current members file, and the run appends only its changes to the history;
 * the members file of a segment is rewritten only when its members changed. Rows hang on the
 * segment's id. A run of every segment also deletes the rows of ids no segment has any more.
 */
export async function materializeSegments(config: LoadedConfig, opts: { names?: string[]; now?: Date } = {}): Promise<MaterializeResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const all = !opts.names || opts.names.length === 0;
  const failed: MaterializeResult['failed'] = [];
  let segments: LoadedSegment[];
  // Ids of segment files that could not be read this time: their rows are left as they were.
  const unreadable = new Set<string>();
  if (all) {
    const loaded = loadSegments(config);
    segments = loaded.segments;
    for (const err of loaded.errors) {
      failed.push({ segment: err.file ?? '?', error: err.message });
      if (err.file) unreadable.add(segmentFileId(err.file));
    }
  } else {
    segments = opts.names!.map((name) => findSegment(config, name));
  }

  const store = segmentStore(config.layout);
  // Order is never relied on here, so DuckDB may stream large member lists without keeping it.
  // DuckDB's memory and threads are the config's `warehouse` settings, as for a build.
  const settings: Record<string, string> = { preserve_insertion_order: 'false', memory_limit: config.warehouse.memory_limit };
  if (config.warehouse.threads !== undefined) settings.threads = String(config.warehouse.threads);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse, { settings });
  const pending: string[] = [];
  try {
    const at = now.toISOString();
    const legacy = await isLegacyHistory(db, store);
    const priorRuns = new Map(
      (await db.runAndReadAll(`SELECT segment_id, arg_max(segment, materialized_at) AS segment FROM ${runsSource(store)} GROUP BY segment_id`))
        .getRowObjectsJS()
        .map((r) => [String(r.segment_id), String(r.segment)]),
    );
    await db.run(`CREATE TEMP TABLE changes AS ${emptySelect(HISTORY_COLUMNS)}`);
    await db.run(
      'CREATE TEMP TABLE run_segments (segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT)',
    );
    const ctx = { now, timezone: config.timezone };
    for (const { definition, file } of segments) {
      const t0 = Date.now();
      const id = segmentIdOf(definition);
      const compiled = compileSegment(definition, ctx, 'c.customer_id, c.environment, m.last_landed_by_backfill');
      try {
        await db.run(`CREATE OR REPLACE TEMP TABLE cur AS SELECT environment, customer_id, last_landed_by_backfill AS from_backfill FROM (${compiled.sql})`, compiled.params);
      } catch (err) {
        failed.push({ segment: definition.name, error: (err as Error).message });
        continue;
      }
      // Before its first run a segment has no members; afterwards they are its members file (or,
      // for a history from before those files, its open stays).
      const first = !priorRuns.has(id);
      const prev = first ? { sql: `(${emptySelect(HISTORY_COLUMNS)})`, params: [] } : currentMembersSource(store, id);
      await db.run(`CREATE OR REPLACE TEMP TABLE prev AS SELECT * FROM ${prev.sql}`, prev.params);
      const entered = (
        await db.run(
          `INSERT INTO changes BY NAME
           SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, environment, customer_id, ?::TIMESTAMPTZ AS entered_at, NULL::TIMESTAMPTZ AS exited_at,
                  coalesce(from_backfill, false) AS from_backfill, ?::BOOLEAN AS initial
           FROM cur ANTI JOIN prev USING (customer_id)`,
          [id, definition.name, at, first],
        )
      ).rowsChanged;
      const exited = (
        await db.run(`INSERT INTO changes BY NAME SELECT * REPLACE (?::TIMESTAMPTZ AS exited_at) FROM prev ANTI JOIN cur USING (customer_id)`, [at])
      ).rowsChanged;
      const members = Number((await db.runAndReadAll('SELECT count(*) AS n FROM cur')).getRowObjectsJS()[0]!.n);
      const target = membersFile(store, id);
      if (entered + exited > 0 || !fs.existsSync(target) || priorRuns.get(id) !== definition.name) {
        // A stay keeps its entry; the newcomers' rows are this run's entries.
        const tmp = `${target}.tmp-${process.pid}`;
        fs.mkdirSync(store.members, { recursive: true });
        await db.run(
          `COPY (
             SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, coalesce(p.environment, cur.environment) AS environment, cur.customer_id,
                    coalesce(p.entered_at, ?::TIMESTAMPTZ) AS entered_at, NULL::TIMESTAMPTZ AS exited_at,
                    CASE WHEN p.customer_id IS NOT NULL THEN p.from_backfill ELSE coalesce(cur.from_backfill, false) END AS from_backfill,
                    CASE WHEN p.customer_id IS NOT NULL THEN p.initial ELSE ?::BOOLEAN END AS initial
             FROM cur LEFT JOIN prev AS p USING (customer_id)
           ) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
          [id, definition.name, at, first],
        );
        pending.push(tmp);
      }
      await db.run('INSERT INTO run_segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        id,
        definition.name,
        definition.environment,
        definition.description ?? '',
        JSON.stringify(definition.rules),
        file ?? '',
        members,
        entered,
        exited,
        Date.now() - t0,
      ]);
    }
    await db.run('DROP TABLE IF EXISTS cur');
    await db.run('DROP TABLE IF EXISTS prev');

    // A full run also purges the rows of segments whose definition is gone (a file removed by
    // hand): a later segment given that name by hand (whose id is its name) starts empty.
    const defined = new Set([...segments.map((x) => segmentIdOf(x.definition)), ...unreadable]);
    await db.run('CREATE TEMP TABLE purged (segment_id VARCHAR, segment VARCHAR)');
    if (all) {
      const stored = new Map(priorRuns);
      if (fs.existsSync(store.members)) {
        for (const f of fs.readdirSync(store.members).filter((f) => f.endsWith('.parquet'))) {
          const storedId = Buffer.from(f.slice(0, -'.parquet'.length), 'base64url').toString();
          if (!stored.has(storedId)) stored.set(storedId, storedId);
        }
      }
      if (legacy) {
        const names = (await db.runAndReadAll(`SELECT DISTINCT segment_id, segment FROM ${storedRelation(store.history, HISTORY_COLUMNS)}`)).getRowObjectsJS();
        for (const r of names) if (!stored.has(String(r.segment_id))) stored.set(String(r.segment_id), String(r.segment));
      }
      for (const [storedId, name] of stored) if (!defined.has(storedId)) await db.run('INSERT INTO purged VALUES (?, ?)', [storedId, name]);
    }
    const removed = (await db.runAndReadAll('SELECT segment FROM purged ORDER BY segment')).getRowObjectsJS().map((r) => String(r.segment));
    await purgeStored(db, store, (await db.runAndReadAll('SELECT segment_id FROM purged')).getRowObjectsJS().map((r) => String(r.segment_id)));

    // History first: the members files and the run log only describe what the history holds.
    const changed = num((await db.runAndReadAll('SELECT count(*) AS n FROM changes')).getRowObjectsJS()[0]!.n);
    const files = historyFiles(store);
    if (legacy) {
      // A history from before segment ids is written once more, whole, with them and this run's changes.
      const rows = `(SELECT * FROM ${storedRelation(store.history, HISTORY_COLUMNS)} UNION ALL BY NAME SELECT * FROM changes)`;
      await replaceParquet(db, `SELECT * FROM ${staysOf(rows)} WHERE segment_id NOT IN (SELECT segment_id FROM purged)`, store.history);
    } else if (files.length <= 1 && (files.length === 0 || (await parquetRowCount(db, store.history)) === 0)) {
      // Nothing stored yet: this run's entries are the base.
      await replaceParquet(db, 'SELECT * FROM changes', store.history);
    } else if (changed > 0) {
      await replaceParquet(db, 'SELECT * FROM changes', changeFile(store, now));
    }
    for (const tmp of pending.splice(0)) await commitFile(tmp, tmp.slice(0, tmp.lastIndexOf('.tmp-')));

    await replaceParquet(
      db,
      `SELECT * FROM ${runsSource(store)}
       UNION ALL BY NAME
       SELECT segment_id, segment, environment, description, definition, file, ?::TIMESTAMPTZ AS materialized_at, members, entered, exited, duration_ms
       FROM run_segments
       ORDER BY materialized_at, segment, segment_id`,
      store.runs,
      [at],
    );
    const counts = (await db.runAndReadAll('SELECT * FROM run_segments ORDER BY segment')).getRowObjectsJS();
    return {
      materializedAt: at,
      segments: counts.map((c) => ({
        segment: String(c.segment),
        environment: String(c.environment),
        members: num(c.members),
        entered: num(c.entered),
        exited: num(c.exited),
        durationMs: num(c.duration_ms),
      })),
      failed,
      removed,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const tmp of pending) fs.rmSync(tmp, { force: true });
    close();
  }
}
