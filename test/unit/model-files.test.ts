import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computedModels } from '../../lib/warehouse/computed-models';
import { afterEach, describe, expect, it } from 'vitest';
import { orderModels, readModels } from '../../lib/warehouse/model-files';
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

  it('require every model to state its grain', () => {
    const dir = modelsDir({ 'core/a.sql': 'select 1' });
    expect(() => readModels(dir)).toThrow(/a\.sql: a model states its grain/);
  });

  it("cdp's own models all state a grain and resolve", () => {
    const models = orderModels([...readModels(path.join(PROJECT_ROOT, 'models')), ...computedModels()]);
    const order = models.map((m) => `${m.layer}.${m.name}`);
    expect(order).toEqual(expect.arrayContaining(['core.customers', 'core.orders', 'staging.stg_stripe__charges', 'attribution.attribution_credits']));
    // The Markov shares, computed in code, come after the paths they read and before the credits.
    expect(order.indexOf('attribution.markov_channel_shares')).toBeGreaterThan(order.indexOf('attribution.conversion_touches'));
    expect(order.indexOf('attribution.markov_channel_shares')).toBeLessThan(order.indexOf('attribution.attribution_credits'));
  });
});
