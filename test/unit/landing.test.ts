import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLandedFile, type LandedRecord, type LandingTarget } from '../../activities/landing/lake';
import { partitionDir } from '../../lib/raw-layout';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-landing-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const target: LandingTarget = { source: 'stripe', stream: 'charges', connection: 'stripe-test', environment: 'sandbox', syncId: '20261101T000000Z-abcd1234', syncMode: 'historical', seq: 3 };
const records = (n: number, tag: string): LandedRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    primaryKey: `ch_${i}`,
    cursorValue: String(1_700_000_000 + i),
    syncedAt: new Date('2026-11-02T10:00:00Z'),
    payload: { id: `ch_${i}`, amount: 100 + i, note: `it's "${tag}"`, nested: { a: [1, 2] } },
  }));

async function readParquet(file: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT *, payload->>'note' AS note, (payload->>'amount')::int AS amount FROM read_parquet('${file}') ORDER BY record_index`);
    return reader.getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('landing raw Parquet', () => {
  it('writes the envelope columns and the whole payload', async () => {
    const file = await writeLandedFile(root, target, records(3, 'first'));
    expect(file).toBe(path.join(partitionDir(root, target), 'part-000003.parquet'));
    const rows = await readParquet(file);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({
      source: 'stripe',
      stream: 'charges',
      connection: 'stripe-test',
      environment: 'sandbox',
      primary_key: 'ch_1',
      cursor_value: '1700000001',
      sync_id: '20261101T000000Z-abcd1234',
      sync_mode: 'historical',
      record_index: 1,
      note: 'it\'s "first"',
      amount: 101,
    });
    expect(JSON.parse(String(rows[2]!.payload))).toEqual({ id: 'ch_2', amount: 102, note: 'it\'s "first"', nested: { a: [1, 2] } });
    expect((rows[0]!.synced_at as Date).toISOString()).toBe('2026-11-02T10:00:00.000Z');
  });

  it('re-landing the same batch replaces its file instead of adding a duplicate', async () => {
    await writeLandedFile(root, target, records(3, 'first'));
    const file = await writeLandedFile(root, target, records(2, 'retry'));
    const files = fs.readdirSync(partitionDir(root, target));
    expect(files).toEqual(['part-000003.parquet']);
    const rows = await readParquet(file);
    expect(rows.map((r) => r.note)).toEqual(['it\'s "retry"', 'it\'s "retry"']);
  });

  it('keeps the reason beside quarantined records', async () => {
    const bad = records(1, 'bad').map((r) => ({ ...r, quarantineReason: 'stripe.charges: amount: expected int' }));
    const file = await writeLandedFile(path.join(root, 'quarantine'), { ...target, seq: 0 }, bad, { withReason: true });
    const rows = await readParquet(file);
    expect(rows[0]!.quarantine_reason).toBe('stripe.charges: amount: expected int');
  });
});
