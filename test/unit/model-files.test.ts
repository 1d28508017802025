import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computedModels } from '../../lib/warehouse/computed-models';
import { afterEach, describe, expect, it } from 'vitest';
import { orderModels, readModels, type ComputedModel } from '../../lib/warehouse/model-files';
import { PROJECT_ROOT } from '../../lib/paths';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function modelsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-models-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), sql);
  }
  return dir;
}

describe('SQL model files', () => {
  it('run each model after the models it reads', () => {
    const dir = modelsDir({
      'core/a_orders.sql': '-- grain: one row per order\nselect * from core.z_customers join staging.stg_x using (id)',
      'core/z_customers.sql': '-- grain: one row per customer\n-- unique: customer_id\n-- not_null: customer_id, email\nselect * from staging.stg_x',
      'staging/stg_x.sql': '-- grain: one row per x\nselect * from raw.x',
    });
    const ordered = orderModels(readModels(dir)).map((m) => `${m.layer}.${m.name}`);
    expect(ordered).toEqual(['staging.stg_x', 'core.z_customers', 'core.a_orders']);
    const customers = readModels(dir).find((m) => m.name === 'z_customers')!;
    expect(customers.unique).toEqual(['customer_id']);
    expect(customers.notNull).toEqual(['customer_id', 'email']);
  });

  it('name a model that reads an unknown model, and a cycle', () => {
    const unknown = modelsDir({ 'core/a.sql': '-- grain: one row per a\nselect * from core.missing' });
    expect(() => orderModels(readModels(unknown))).toThrow(/a\.sql: reads core\.missing, which is no model/);
    const cycle = modelsDir({ 'core/a.sql': '-- grain: a\nselect * from core.b', 'core/b.sql': '-- grain: b\nselect * from core.a' });
    expect(() => orderModels(readModels(cycle))).toThrow(/cycle: core\.a -> core\.b -> core\.a/);
  });

  it('take a batched table\'s key, input and bytes a row, and name what is wrong with a bad line', () => {
    const ok = modelsDir({ 'attribution/credits.sql': '-- grain: one row per touch\n-- batched by: conversion_key of attribution.touches, 320 bytes a row\nselect * from attribution.touches' });
    expect(readModels(ok)[0]!.batch).toEqual({ column: 'conversion_key', input: 'attribution.touches', bytesPerRow: 320 });
    const bad = (header: string, body = 'select * from attribution.touches') =>
      () => readModels(modelsDir({ 'attribution/credits.sql': `-- grain: one row per touch\n${header}\n${body}` }));
    expect(bad('-- batched by: conversion_key, 320 bytes a row')).toThrow(/credits\.sql: "-- batched by:" reads "<column> of <layer>\.<model>, <n> bytes a row", not "conversion_key, 320 bytes a row"/);
    expect(bad('-- batched by: conversion_key of attribution.paths, 320 bytes a row')).toThrow(/credits\.sql: "-- batched by:" names attribution\.paths, which the model does not read/);
    expect(bad('-- batched by: conversion_key of attribution.touches, 0 bytes a row')).toThrow(/credits\.sql: "-- batched by:" needs at least 1 byte a row/);
    expect(bad('-- materialized: view\n-- batched by: conversion_key of attribution.touches, 320 bytes a row')).toThrow(/credits\.sql: only a table is built in batches/);
  });

  it('require every model to state its grain', () => {
    const dir = modelsDir({ 'core/a.sql': 'select 1' });
    expect(() => readModels(dir)).toThrow(/a\.sql: a model states its grain/);
  });

  it('run intermediate branches between staging and the core model that unions them, as views', () => {
    const dir = modelsDir({
      'core/orders.sql': '-- grain: one row per order\nselect * from intermediate.int_a__orders union all by name select * from intermediate.int_b__orders',
      'intermediate/int_a__orders.sql': '-- grain: one row per a order\nselect * from staging.stg_a__orders',
      'intermediate/int_b__orders.sql': '-- grain: one row per b order\nselect * from staging.stg_b__orders',
      'staging/stg_a__orders.sql': '-- grain: one row per a order\nselect * from raw.a__orders',
      'staging/stg_b__orders.sql': '-- grain: one row per b order\nselect * from raw.b__orders',
    });
    const models = orderModels(readModels(dir));
    const order = models.map((m) => `${m.layer}.${m.name}`);
    expect(order.indexOf('intermediate.int_a__orders')).toBeGreaterThan(order.indexOf('staging.stg_a__orders'));
    expect(order.indexOf('intermediate.int_b__orders')).toBeGreaterThan(order.indexOf('staging.stg_b__orders'));
    expect(order.at(-1)).toBe('core.orders');
    expect(models.find((m) => m.name === 'orders')!.dependsOn.sort()).toEqual(['intermediate.int_a__orders', 'intermediate.int_b__orders']);
    expect(Object.fromEntries(models.map((m) => [m.name, m.materialized]))).toEqual({
      stg_a__orders: 'table', stg_b__orders: 'table', int_a__orders: 'view', int_b__orders: 'view', orders: 'table',
    });
  });

  it("cdp's own models all state a grain and resolve", () => {
    const models = orderModels(readModels(path.join(PROJECT_ROOT, 'models'), computedModels()));
    const order = models.map((m) => `${m.layer}.${m.name}`);
    expect(order).toEqual(expect.arrayContaining(['core.customers', 'core.orders', 'staging.stg_stripe__charges', 'attribution.attribution_credits']));
    // The Markov shares, computed in code, come after the paths they read and before the credits.
    expect(order.indexOf('attribution.markov_channel_shares')).toBeGreaterThan(order.indexOf('attribution.conversion_touches'));
    expect(order.indexOf('attribution.markov_channel_shares')).toBeLessThan(order.indexOf('attribution.attribution_credits'));
  });
});

describe('models computed in code', () => {
  const compute = async () => {};
  const balances: ComputedModel = { layer: 'core', name: 'balances', computedIn: 'lib/warehouse/balances.ts', dependsOn: ['core.ledger'], compute };
  const ledger = { 'core/ledger.sql': '-- grain: one row per ledger entry\nselect * from staging.stg_entries', 'staging/stg_entries.sql': '-- grain: one row per entry\nselect 1' };
  const balancesFile = '-- grain: one row per ledger\n-- computed in: lib/warehouse/balances.ts\n-- unique: ledger_id\n-- not_null: ledger_id, points\n--\n-- Replayed from core.ledger.\n';

  it('take their grain and tests from their file and their inputs from their code', () => {
    const models = orderModels(readModels(modelsDir({ ...ledger, 'core/balances.sql': balancesFile }), [balances]));
    expect(models.map((m) => `${m.layer}.${m.name}`)).toEqual(['staging.stg_entries', 'core.ledger', 'core.balances']);
    const bound = models.at(-1)!;
    expect(bound).toMatchObject({ grain: 'one row per ledger', unique: ['ledger_id'], notNull: ['ledger_id', 'points'], dependsOn: ['core.ledger'], computedIn: 'lib/warehouse/balances.ts', materialized: 'table', sql: '' });
    expect(bound.compute).toBe(compute);
    expect(bound.file).toMatch(/core[/\\]balances\.sql$/);
  });

  it('fail the build when a computed model has no file', () => {
    expect(() => readModels(modelsDir(ledger), [balances])).toThrow(/core\.balances is computed in lib\/warehouse\/balances\.ts but has no file: add .*core[/\\]balances\.sql/);
  });

  it('are left out with the models they read when the folder holds other layers only', () => {
    expect(readModels(modelsDir({ 'staging/stg_entries.sql': '-- grain: one row per entry\nselect 1' }), [balances]).map((m) => m.name)).toEqual(['stg_entries']);
  });

  it('fail the build when a computed file names no computed model, or other code than the model\'s', () => {
    const dir = modelsDir({ ...ledger, 'core/balances.sql': balancesFile });
    expect(() => readModels(dir)).toThrow(/balances\.sql: "-- computed in: lib\/warehouse\/balances\.ts" names no model computed in code \(computed models: none\)/);
    expect(() => readModels(dir, [{ ...balances, name: 'other_balances' }])).toThrow(/names no model computed in code \(computed models: core\.other_balances\)/);
    expect(() => readModels(dir, [{ ...balances, computedIn: 'lib/warehouse/ledger.ts' }])).toThrow(/balances\.sql: says "-- computed in: lib\/warehouse\/balances\.ts", but core\.balances is computed in lib\/warehouse\/ledger\.ts/);
  });

  it('hold only header comments, so no SQL in the file is mistaken for the model', () => {
    const dir = modelsDir({ ...ledger, 'core/balances.sql': `${balancesFile}select * from core.ledger\n` });
    expect(() => readModels(dir, [balances])).toThrow(/balances\.sql: a computed model's file holds only header comments .* but has "select \* from core\.ledger"/);
  });

  it("bind cdp's own computed models to their files", () => {
    const models = readModels(path.join(PROJECT_ROOT, 'models'), computedModels()).filter((m) => m.compute);
    expect(models.map((m) => [`${m.layer}.${m.name}`, path.relative(PROJECT_ROOT, m.file), m.computedIn])).toEqual([
      ['core.loyalty_balances', path.join('models', 'core', 'loyalty_balances.sql'), 'lib/warehouse/loyalty-balances.ts'],
      ['attribution.markov_channel_shares', path.join('models', 'attribution', 'markov_channel_shares.sql'), 'lib/warehouse/markov-channel-shares.ts'],
    ]);
    for (const m of models) expect(fs.existsSync(path.join(PROJECT_ROOT, m.computedIn!)), m.computedIn).toBe(true);
  });
});
