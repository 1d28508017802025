import type { LoadedConfig } from '../config';
import { openWarehouseReadOnly } from '../warehouse/open-read-only';
import { compileSegment } from './compile';
import { segmentIdOf } from './definition';
import { findSegment, loadSegments, segmentFileId, type LoadedSegment } from './files';
import { historySource, replaceParquet, runsSource, segmentStore } from './segment-store';

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
 * left in the membership history: an entry opens a row (marked as a backfill entry when the newest
 * record about the person was landed by a historical sync, and as initial on a segment's first
 * materialization), an exit closes it. Rows hang on the segment's id. A run of every segment also
 * deletes the rows of ids no segment has any more. The history and the run log are replaced atomically.
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
  // Order is never relied on here, so DuckDB may stream large histories without keeping it.
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse, { settings: { preserve_insertion_order: 'false' } });
  try {
    // Views, not copies: the stored files are read where they are needed, and replaced only at the end.
    await db.run(`CREATE TEMP VIEW stored_history AS SELECT * FROM ${historySource(store)}`);
    await db.run(`CREATE TEMP VIEW stored_runs AS SELECT * FROM ${runsSource(store)}`);
    await db.run('CREATE TEMP TABLE cur (segment_id VARCHAR, segment VARCHAR, environment VARCHAR, customer_id VARCHAR, from_backfill BOOLEAN)');
    await db.run(
      'CREATE TEMP TABLE run_segments (segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, duration_ms BIGINT)',
    );
    const ctx = { now, timezone: config.timezone };
    for (const { definition, file } of segments) {
      const t0 = Date.now();
      const id = segmentIdOf(definition);
      const compiled = compileSegment(definition, ctx, 'c.customer_id, c.environment, m.last_landed_by_backfill');
      try {
        await db.run(`INSERT INTO cur SELECT ?::VARCHAR, ?::VARCHAR, environment, customer_id, last_landed_by_backfill FROM (${compiled.sql})`, [
          id,
          definition.name,
          ...compiled.params,
        ]);
      } catch (err) {
        failed.push({ segment: definition.name, error: (err as Error).message });
        continue;
      }
      await db.run('INSERT INTO run_segments VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        definition.name,
        definition.environment,
        definition.description ?? '',
        JSON.stringify(definition.rules),
        file ?? '',
        Date.now() - t0,
      ]);
    }
    // A full run also purges the rows of segments whose definition is gone (a file removed by
    // hand): a later segment given that name by hand (whose id is its name) starts empty.
    const defined = new Set([...segments.map((x) => segmentIdOf(x.definition)), ...unreadable]);
    await db.run('CREATE TEMP TABLE purged (segment_id VARCHAR, segment VARCHAR)');
    if (all) {
      const stored = (
        await db.runAndReadAll(
          `SELECT segment_id, min(segment) AS segment FROM (SELECT segment_id, segment FROM stored_history UNION ALL SELECT segment_id, segment FROM stored_runs)
           GROUP BY segment_id ORDER BY segment, segment_id`,
        )
      ).getRowObjectsJS();
      for (const r of stored) if (!defined.has(String(r.segment_id))) await db.run('INSERT INTO purged VALUES (?, ?)', [String(r.segment_id), String(r.segment)]);
    }
    const removed = (await db.runAndReadAll('SELECT segment FROM purged ORDER BY segment')).getRowObjectsJS().map((r) => String(r.segment));
    await db.run('CREATE TEMP VIEW prev_history AS SELECT * FROM stored_history WHERE segment_id NOT IN (SELECT segment_id FROM purged)');
    await db.run('CREATE TEMP VIEW prev_runs AS SELECT * FROM stored_runs WHERE segment_id NOT IN (SELECT segment_id FROM purged)');

    const at = now.toISOString();
    await db.run(
      `CREATE TEMP TABLE next_history AS
       WITH open_rows AS (
           SELECT * FROM prev_history WHERE exited_at IS NULL AND segment_id IN (SELECT segment_id FROM run_segments)
       ),
       first_runs AS (
           SELECT segment_id FROM run_segments WHERE segment_id NOT IN (SELECT segment_id FROM prev_runs)
       )
       -- Segments not run this time, and closed rows of those that were: unchanged.
       SELECT * FROM prev_history WHERE segment_id NOT IN (SELECT segment_id FROM run_segments) OR exited_at IS NOT NULL
       UNION ALL BY NAME
       -- An open row stays open while the person is still a member and closes now otherwise; a member
       -- without an open row enters now.
       SELECT coalesce(o.segment_id, cur.segment_id) AS segment_id,
              coalesce(cur.segment, o.segment) AS segment,
              coalesce(o.environment, cur.environment) AS environment,
              coalesce(o.customer_id, cur.customer_id) AS customer_id,
              coalesce(o.entered_at, ?::TIMESTAMPTZ) AS entered_at,
              CASE WHEN cur.customer_id IS NULL THEN ?::TIMESTAMPTZ END AS exited_at,
              CASE WHEN o.customer_id IS NOT NULL THEN o.from_backfill ELSE coalesce(cur.from_backfill, false) END AS from_backfill,
              CASE WHEN o.customer_id IS NOT NULL THEN o.initial ELSE cur.segment_id IN (SELECT segment_id FROM first_runs) END AS initial
       FROM open_rows AS o FULL JOIN cur ON o.segment_id = cur.segment_id AND o.customer_id = cur.customer_id`,
      [at, at],
    );
    await db.run(
      `CREATE TEMP TABLE run_counts AS
       SELECT r.*,
              count(h.customer_id) FILTER (WHERE h.exited_at IS NULL) AS members,
              count(h.customer_id) FILTER (WHERE h.entered_at = ?::TIMESTAMPTZ) AS entered,
              count(h.customer_id) FILTER (WHERE h.exited_at = ?::TIMESTAMPTZ) AS exited
       FROM run_segments AS r LEFT JOIN next_history AS h USING (segment_id)
       GROUP BY ALL`,
      [at, at],
    );
    await db.run(
      `CREATE TEMP TABLE next_runs AS
       SELECT * FROM prev_runs
       UNION ALL BY NAME
       SELECT segment_id, segment, environment, description, definition, file, ?::TIMESTAMPTZ AS materialized_at, members, entered, exited, duration_ms
       FROM run_counts`,
      [at],
    );
    const counts = (await db.runAndReadAll('SELECT * FROM run_counts ORDER BY segment')).getRowObjectsJS();
    // History first: the run log only describes what the history holds.
    await replaceParquet(db, 'SELECT * FROM next_history', store.history);
    await replaceParquet(db, 'SELECT * FROM next_runs ORDER BY materialized_at, segment, segment_id', store.runs);
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
    close();
  }
}
