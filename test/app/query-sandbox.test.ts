import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readPath } from '../../activities/sources/read-path';
import { allSourceSpecs } from '../../activities/sources/registry';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { warehouseCopy } from '../../lib/segments/warehouse-copy';
import { storeRows } from '../support/segment-store-rows';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { queryRawRows, landRawRows } from '../support/raw-lake';
import { makeWorkspace } from '../support/workspace';

// `cdp query` runs whatever SQL it is given on the warehouse. Hostile SQL (writing over the
// warehouse, reading a system file, attaching another database, switching the guard off) is
// refused with one clear line and exit 2, and the warehouse, the lake and the segment store are
// left exactly as they were; ordinary reads of the lake's raw.* views and of segments.* still work.

const REFUSAL = 'cdp query reads the warehouse only';

let ws: ReturnType<typeof makeWorkspace>;
let config: LoadedConfig;
let outside: string;
let landedContacts: number;

beforeAll(async () => {
  ws = makeWorkspace([]);
  config = ws.config();
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-outside-'));
  // ActiveCampaign's official example responses, landed as a sync lands them.
  const spec = allSourceSpecs().find((s) => s.name === 'activecampaign')!;
  for (const stream of spec.streams) {
    const file = path.join(PROJECT_ROOT, 'test', 'fixtures', 'activecampaign', `${stream.name}.json`);
    if (!fs.existsSync(file)) continue;
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    const records = (stream.recordsPath ? readPath(body, stream.recordsPath) : body) as Record<string, unknown>[];
    if (stream.name === 'contacts') landedContacts = records.length;
    const target = { source: spec.name, stream: stream.name, connection: 'crm', environment: 'live', syncId: 'examples', syncMode: 'historical', seq: 0 };
    const landed = records.map((r) => ({ primaryKey: String(readPath(r, stream.primaryKey) ?? ''), cursorValue: null, syncedAt: new Date('2026-01-01T00:00:00Z'), payload: r }));
    await landRawRows(config, target, landed);
  }
  fs.mkdirSync(config.segmentsDir, { recursive: true });
  fs.writeFileSync(path.join(config.segmentsDir, 'with-email.yaml'), stringify({ environment: 'live', rules: { field: 'email', op: 'contains', value: '@' } }));
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  await materializeSegments(config);
});

afterAll(() => {
  ws?.cleanup();
  if (outside) fs.rmSync(outside, { recursive: true, force: true });
});

function cdpQuery(sql: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', ws.configFile, 'query', sql, '--format', 'json'], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every file under a folder with its bytes' hash and mtime. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    out[path.relative(dir, file)] = `${hash} ${fs.statSync(file).mtimeMs}`;
  }
  return out;
}

/** Row counts of every table in the warehouse, read on a connection of DuckDB's own, not cdp's. */
async function tableCounts(): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(config.layout.warehouse, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  try {
    const tables = (await db.runAndReadAll("select schema_name, table_name from duckdb_tables() where database_name = 'warehouse'")).getRowObjectsJS();
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const name = `"${String(t.schema_name)}"."${String(t.table_name)}"`;
      counts[name] = Number((await db.runAndReadAll(`select count(*) as n from ${name}`)).getRowObjectsJS()[0]!.n);
    }
    return counts;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('cdp query on a populated warehouse', () => {
  it('refuses writing, reading files outside the data folder, attaching and unlocking, and leaves everything as it was', async () => {
    const counts = await tableCounts();
    expect(counts['"core"."customers"']).toBeGreaterThan(0);
    const data = filesUnder(config.layout.root);
    const csv = path.join(outside, 'x.csv');
    const other = path.join(outside, 'other.duckdb');
    const history = warehouseCopy(config.layout).history;
    const hostile = [
      `COPY (select 'x') TO '${config.layout.warehouse}'`,
      `COPY (select 'x') TO '${csv}'`,
      `COPY (select 'x') TO '${history}' (FORMAT parquet)`,
      "select * from read_csv('/etc/passwd')",
      `select * from read_text('${config.layout.segments}/../../cdp.config.yaml')`,
      `ATTACH '${other}'`,
      'SET enable_external_access = true',
      'SET lock_configuration = false',
      `select 1; COPY (select 'x') TO '${csv}'`,
      `EXPLAIN ANALYZE COPY (select 'x') TO '${history}' (FORMAT parquet)`,
      'CREATE TEMP TABLE t AS SELECT 1',
    ];
    for (const sql of hostile) {
      const run = cdpQuery(sql);
      expect(run.status, `${sql}\n${run.stderr}`).toBe(2);
      expect(run.stderr, sql).toContain(REFUSAL);
      expect(run.stderr, sql).not.toMatch(/^\s+at /m);
      expect(run.stdout, sql).toBe('');
    }
    expect(fs.existsSync(csv)).toBe(false);
    expect(fs.existsSync(other)).toBe(false);
    expect(filesUnder(config.layout.root)).toEqual(data);
    expect(await tableCounts()).toEqual(counts);
  });

  it('still reads the raw views over the lake and the segment views over the segment store', async () => {
    const raw = cdpQuery('select count(*)::int as n from raw.activecampaign__contacts');
    expect(raw.status, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout)).toEqual([{ n: landedContacts }]);

    // The segment's members as the lake's segment store holds them, beside what cdp query answers.
    const stored = (await storeRows(config, 'members', 'with-email')).map((r) => ({ customer_id: r.customer_id })).sort((a, b) => (String(a.customer_id) < String(b.customer_id) ? -1 : 1));
    expect(stored.length).toBeGreaterThan(0);
    const members = cdpQuery("select customer_id from segments.segment_members where segment = 'with-email' order by 1");
    expect(members.status, members.stderr).toBe(0);
    expect(JSON.parse(members.stdout)).toEqual(stored);

    const lake = await queryRawRows(config, 'activecampaign', 'contacts', 'select count(*)::int as n from rows');
    expect(lake).toEqual([{ n: landedContacts }]);
  });
});
