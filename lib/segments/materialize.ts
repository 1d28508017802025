import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { inLakeTransaction } from '../lake/open-lake';
import { compileSegment } from './compile';
import { segmentIdOf } from './definition';
import { findSegment, loadSegments, segmentFileId, type LoadedSegment } from './files';
import { recordMemberBuilds, warehouseBuiltAt } from './member-builds';
import { addMemberKeys, loadMemberKeys } from './member-keys';
import { applySegmentChanges, compareSegment, entriesOfFirstRuns, writeFirstMembers, type SegmentRun } from './membership-diff';
import { openSegmentStore } from './open-segment-store';
import { purgeStored } from './purge-segments';
import { createPeopleTable, NEW_CUSTOMERS, PEOPLE_BASE } from './segment-people';
import { countRows, emptySelect, HISTORY_COLUMNS, STORE } from './segment-store';
import { refreshWarehouseCopy } from './warehouse-copy';

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

export interface MaterializeOptions {
  names?: string[];
  now?: Date;
  /** Called inside the run's transaction after the history is written and before the run log: a test's way to fail a run midway. */
  afterHistory?: () => Promise<void> | void;
}

const num = (v: unknown) => Number(v ?? 0);

/** A segment whose own query failed inside the run's transaction, which DuckDB then aborts: the run starts again without it. */
class SegmentRunFailed extends Error {
  override readonly name = 'SegmentRunFailed';
  constructor(
    readonly segmentId: string,
    readonly segment: string,
    error: Error,
  ) {
    super(error.message);
  }
}

/**
 * Recomputes the members of the given segments (all by default) and records who entered and who
 * left in the membership history: an entry is a new row (marked as a backfill entry when the
 * newest record about the person was landed by a historical sync, and as initial on a segment's
 * first materialization), an exit the entry's row again with its exit time. Each segment is
 * compared with its stored members, and the run appends only its changes to the history; a
 * segment's members are replaced only when they changed. Rows hang on the segment's id. A run of
 * every segment also deletes the rows of ids no segment has any more. Every segment runs on one temp
 * table of people built once (segment-people.ts), and is compared with its stored members as bitmaps
 * of member keys (membership-diff.ts). The history, members, keys and run log of a run are one lake
 * transaction: a reader sees the whole run or none of it, and a run cut short leaves the store as it
 * was. The warehouse copy (warehouse-copy.ts) follows once the run is committed.
 */
export async function materializeSegments(config: LoadedConfig, opts: MaterializeOptions = {}): Promise<MaterializeResult> {
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

  // Order is never relied on here, so DuckDB may stream large member lists without keeping it.
  // DuckDB's memory and threads are the config's `warehouse` settings, as for a build.
  const settings: Record<string, string> = { preserve_insertion_order: 'false', memory_limit: config.warehouse.memory_limit };
  if (config.warehouse.threads !== undefined) settings.threads = String(config.warehouse.threads);
  const { db, close } = await openSegmentStore(config, { settings });
  try {
    const at = now.toISOString();
    const builtAt = await warehouseBuiltAt(db);
    let run: RunOutcome;
    for (;;) {
      try {
        run = await inLakeTransaction(db, () => applyRun(db, config, segments, { all, unreadable, at, now, builtAt, afterHistory: opts.afterHistory }));
        break;
      } catch (err) {
        if (!(err instanceof SegmentRunFailed)) throw err;
        failed.push({ segment: err.segment, error: err.message });
        segments = segments.filter((s) => segmentIdOf(s.definition) !== err.segmentId);
        // Its rows are left as they were, and a full run does not purge them.
        unreadable.add(err.segmentId);
      }
    }
    await refreshWarehouseCopy(db, config.layout, {
      runsBefore: run.runsBefore,
      appended: `SELECT * FROM changes UNION ALL BY NAME ${entriesOfFirstRuns('first_runs')}`,
      at: now,
    });
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
      removed: run.removed,
      durationMs: Date.now() - started,
    };
  } finally {
    close();
  }
}

interface RunOutcome {
  /** The number of runs in the log before this one. */
  runsBefore: number;
  removed: string[];
}

/**
 * One run inside the lake transaction: the segments compared and their members written, the
 * history appended, purged segments deleted, the builds and the run log written. Leaves the temp
 * tables `changes`, `first_runs` and `run_segments` for the caller.
 */
async function applyRun(
  db: DuckDBConnection,
  config: LoadedConfig,
  segments: LoadedSegment[],
  r: { all: boolean; unreadable: Set<string>; at: string; now: Date; builtAt: string | undefined; afterHistory?: () => Promise<void> | void },
): Promise<RunOutcome> {
  const priorRuns = new Map(
    (await db.runAndReadAll(`SELECT segment_id, arg_max(segment, materialized_at) AS segment FROM ${STORE.runs} GROUP BY segment_id`))
      .getRowObjectsJS()
      .map((row) => [String(row.segment_id), String(row.segment)]),
  );
  const runsBefore = await countRows(db, STORE.runs);
  await db.run(`CREATE OR REPLACE TEMP TABLE changes AS ${emptySelect(HISTORY_COLUMNS)}`);
  await db.run('CREATE OR REPLACE TEMP TABLE first_runs (segment_id VARCHAR)');
  await db.run(
    'CREATE OR REPLACE TEMP TABLE run_segments (segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT)',
  );
  // The people once for every segment, each with a member key (new people get theirs now).
  const keys = (await addMemberKeys(db, await loadMemberKeys(db), NEW_CUSTOMERS)).keys;
  await createPeopleTable(db);
  const ctx = { now: r.now, timezone: config.timezone };
  for (const { definition, file } of segments) {
    const t0 = Date.now();
    const id = segmentIdOf(definition);
    const run: SegmentRun = {
      id,
      name: definition.name,
      compiled: compileSegment(definition, ctx, 'c.environment, c.customer_id, c.member_key, m.last_landed_by_backfill AS from_backfill', PEOPLE_BASE),
      priorName: priorRuns.get(id),
      at: r.at,
    };
    let outcome: { members: number; entered: number; exited: number };
    try {
      // Before its first run a segment has no members, and its members are all entries.
      if (!priorRuns.has(id)) {
        outcome = await writeFirstMembers(db, run);
        await db.run('INSERT INTO first_runs VALUES (?)', [id]);
      } else {
        const compared = await compareSegment(db, keys, run);
        outcome = compared.unchanged ? { members: compared.members, entered: 0, exited: 0 } : await applySegmentChanges(db, run, compared);
      }
    } catch (err) {
      throw new SegmentRunFailed(id, definition.name, err as Error);
    }
    await db.run('INSERT INTO run_segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      definition.name,
      definition.environment,
      definition.description ?? '',
      JSON.stringify(definition.rules),
      file ?? '',
      outcome.members,
      outcome.entered,
      outcome.exited,
      Date.now() - t0,
    ]);
  }
  for (const t of ['people', 'bits', 'entered']) await db.run(`DROP TABLE IF EXISTS ${t}`);

  // A full run also purges the rows of segments whose definition is gone (a file removed by
  // hand): a later segment given that name by hand (whose id is its name) starts empty.
  const defined = new Set([...segments.map((x) => segmentIdOf(x.definition)), ...r.unreadable]);
  const purged: [string, string][] = [];
  if (r.all) {
    const stored = new Map(priorRuns);
    for (const row of (await db.runAndReadAll(`SELECT DISTINCT segment_id FROM ${STORE.members}`)).getRowObjectsJS()) {
      if (!stored.has(String(row.segment_id))) stored.set(String(row.segment_id), String(row.segment_id));
    }
    for (const [storedId, name] of stored) if (!defined.has(storedId)) purged.push([storedId, name]);
  }
  await purgeStored(
    db,
    purged.map(([storedId]) => storedId),
  );

  await db.run(`INSERT INTO ${STORE.history} SELECT * FROM changes`);
  await db.run(`INSERT INTO ${STORE.history} ${entriesOfFirstRuns('first_runs')}`);
  await r.afterHistory?.();

  // Which build each segment's members now come from: this one for the segments of this run.
  await recordMemberBuilds(db, 'run_segments', r.builtAt);
  await db.run(
    `INSERT INTO ${STORE.runs}
     SELECT segment_id, segment, environment, description, definition, file, ?::TIMESTAMPTZ AS materialized_at, members, entered, exited, duration_ms
     FROM run_segments`,
    [r.at],
  );
  return { runsBefore: purged.length > 0 ? -1 : runsBefore, removed: purged.map(([, name]) => name).sort() };
}
