import type { LoadedConfig } from '../config';
import { openWarehouseReadOnly } from '../warehouse/open-read-only';
import { compileSegment } from './compile';
import { segmentIdOf } from './definition';
import { findSegment, loadSegments, segmentFileId, type LoadedSegment } from './files';
import fs from 'node:fs';
import { commitFile } from '../fs-atomic';
import { purgeStored } from './purge-segments';
import { memberBuilds, memberBuildsOption, warehouseBuiltAt } from './member-builds';
import { addMemberKeys, loadMemberKeys } from './member-keys';
import { applySegmentChanges, compareSegment, entriesOfFirstRun, writeFirstMembers, type SegmentRun } from './membership-diff';
import { createPeopleTable, NEW_CUSTOMERS, PEOPLE_BASE } from './segment-people';
import {
  changeFile,
  HISTORY_COLUMNS,
  historyFiles,
  emptySelect,
  isLegacyHistory,
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
 * Every segment runs on one temp table of people built once (segment-people.ts), and is compared
 * with its members file as bitmaps of member keys (membership-diff.ts).
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
  const { db, close } = await openWarehouseReadOnly(config, { settings });
  const pending: string[] = [];
  try {
    const at = now.toISOString();
    const legacy = await isLegacyHistory(db, store);
    const builtAt = await warehouseBuiltAt(db);
    const priorBuilds = await memberBuilds(db, store);
    const priorRuns = new Map(
      (await db.runAndReadAll(`SELECT segment_id, arg_max(segment, materialized_at) AS segment FROM ${runsSource(store)} GROUP BY segment_id`))
        .getRowObjectsJS()
        .map((r) => [String(r.segment_id), String(r.segment)]),
    );
    await db.run(`CREATE TEMP TABLE changes AS ${emptySelect(HISTORY_COLUMNS)}`);
    await db.run(
      'CREATE TEMP TABLE run_segments (segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT)',
    );
    // The people once for every segment, each with a member key (new people get theirs now, stored
    // before any members file that uses them).
    const keys = (await addMemberKeys(db, store, await loadMemberKeys(db, store), NEW_CUSTOMERS, now)).keys;
    await createPeopleTable(db);
    const ctx = { now, timezone: config.timezone };
    // Members files of first runs: their rows are this run's entries too.
    const firstRunFiles: string[] = [];
    let firstEntries = 0;
    for (const { definition, file } of segments) {
      const t0 = Date.now();
      const id = segmentIdOf(definition);
      const run: SegmentRun = {
        id,
        name: definition.name,
        compiled: compileSegment(definition, ctx, 'c.environment, c.customer_id, c.member_key, m.last_landed_by_backfill AS from_backfill', PEOPLE_BASE),
        priorName: priorRuns.get(id),
        at,
      };
      let outcome: { members: number; entered: number; exited: number };
      try {
        // Before its first run a segment has no members, and its members file is all entries;
        // afterwards its members are its members file (or, for a history from before those files,
        // its open stays).
        if (!priorRuns.has(id)) {
          const written = await writeFirstMembers(db, store, keys, run);
          firstRunFiles.push(written.pending);
          firstEntries += written.entered;
          pending.push(written.pending);
          outcome = written;
        } else {
          const compared = await compareSegment(db, store, keys, run);
          outcome = { members: compared.members, entered: 0, exited: 0 };
          if (!compared.unchanged) {
            const applied = await applySegmentChanges(db, store, keys, run, compared);
            pending.push(applied.pending);
            outcome = applied;
          }
        }
      } catch (err) {
        failed.push({ segment: definition.name, error: (err as Error).message });
        continue;
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
    for (const t of ['people', 'bits', 'entered', 'prev']) await db.run(`DROP TABLE IF EXISTS ${t}`);

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
    const changed = num((await db.runAndReadAll('SELECT count(*) AS n FROM changes')).getRowObjectsJS()[0]!.n) + firstEntries;
    // This run's changes: those of the compared segments, and the members files of first runs.
    const runChanges = firstRunFiles.length ? `SELECT * FROM changes UNION ALL BY NAME ${entriesOfFirstRun(firstRunFiles)}` : 'SELECT * FROM changes';
    const files = historyFiles(store);
    if (legacy) {
      // A history from before segment ids is written once more, whole, with them and this run's changes.
      const rows = `(SELECT * FROM ${storedRelation(store.history, HISTORY_COLUMNS)} UNION ALL BY NAME ${runChanges})`;
      await replaceParquet(db, `SELECT * FROM ${staysOf(rows)} WHERE segment_id NOT IN (SELECT segment_id FROM purged)`, store.history);
    } else if (files.length <= 1 && (files.length === 0 || (await parquetRowCount(db, store.history)) === 0)) {
      // Nothing stored yet: this run's entries are the base.
      await replaceParquet(db, runChanges, store.history);
    } else if (changed > 0) {
      await replaceParquet(db, runChanges, changeFile(store, now));
    }
    for (const tmp of pending.splice(0)) await commitFile(tmp, tmp.slice(0, tmp.lastIndexOf('.tmp-')));

    // The run log says which build each members file now comes from: this one for the segments of this run.
    const purgedIds = new Set((await db.runAndReadAll('SELECT segment_id FROM purged')).getRowObjectsJS().map((r) => String(r.segment_id)));
    const builds = Object.fromEntries(Object.entries(priorBuilds).filter(([segmentId]) => !purgedIds.has(segmentId)));
    for (const r of (await db.runAndReadAll('SELECT segment_id FROM run_segments')).getRowObjectsJS()) {
      if (builtAt === undefined) delete builds[String(r.segment_id)];
      else builds[String(r.segment_id)] = builtAt;
    }

    await replaceParquet(
      db,
      `SELECT * FROM ${runsSource(store)}
       UNION ALL BY NAME
       SELECT segment_id, segment, environment, description, definition, file, ?::TIMESTAMPTZ AS materialized_at, members, entered, exited, duration_ms
       FROM run_segments
       ORDER BY materialized_at, segment, segment_id`,
      store.runs,
      [at],
      memberBuildsOption(builds),
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
