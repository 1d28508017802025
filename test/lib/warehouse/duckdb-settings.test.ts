import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors';
import { parseConfig } from '../../../lib/config';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { buildSettings, memoryLimitBytes } from '../../../lib/warehouse/duckdb-settings';
import { makeWorkspace } from '../../support/workspace';

// A build is capped by the config's `warehouse` section: memory beyond the limit spills into the
// data folder, and the threads are the config's, whatever DuckDB would take by default.

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('warehouse settings', () => {
  it('default to a 2GB cap, DuckDB choosing the threads, spilling under the data folder', () => {
    const config = parseConfig('connections: []\n', '/srv/cdp/cdp.config.yaml');
    expect(config.warehouse).toEqual({ memory_limit: '2GB', as_of_max_age_minutes: 60 });
    expect(buildSettings(config)).toEqual({ memory_limit: '2GB', preserve_insertion_order: 'false', temp_directory: '/srv/cdp/data/tmp/duckdb' });
  });

  it('count a memory limit in bytes as DuckDB does: KB, MB, GB decimal, KiB, MiB, GiB binary', () => {
    expect(memoryLimitBytes('2GB')).toBe(2_000_000_000);
    expect(memoryLimitBytes('1.5GB')).toBe(1_500_000_000);
    expect(memoryLimitBytes('300MB')).toBe(300_000_000);
    expect(memoryLimitBytes('512 MiB')).toBe(536_870_912);
    expect(memoryLimitBytes('4gib')).toBe(4 * 2 ** 30);
    expect(() => memoryLimitBytes('lots')).toThrow(/"lots" is not an amount of memory/);
  });

  it('name the field and the expected form when the memory is not an amount', () => {
    expect(() => parseConfig('warehouse: { memory_limit: lots }\n', 'cdp.config.yaml')).toThrow(ConfigError);
    expect(() => parseConfig('warehouse: { memory_limit: lots }\n', 'cdp.config.yaml')).toThrow(/cdp\.config\.yaml: warehouse\.memory_limit: an amount of memory such as 2GB/);
    expect(() => parseConfig('warehouse: { threads: 0 }\n', 'cdp.config.yaml')).toThrow(/warehouse\.threads/);
  });

  it('are the settings of the connection every model is built on', async () => {
    const ws = makeWorkspace([], { warehouse: { memory_limit: '300MB', threads: 1 } });
    cleanups.push(ws.cleanup);
    const config = ws.config();
    const modelsDir = path.join(ws.dir, 'models');
    fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
    fs.writeFileSync(
      path.join(modelsDir, 'staging', 'build_settings.sql'),
      "-- grain: one row: the settings the build ran with\nselect current_setting('memory_limit') as memory_limit, current_setting('threads') as threads, current_setting('temp_directory') as temp_directory\n",
    );
    const { warehouse } = await buildWarehouse(config, { modelsDir });
    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    cleanups.unshift(() => instance.closeSync());
    const db = await instance.connect();
    cleanups.unshift(() => db.closeSync());
    const [row] = (await db.runAndReadAll('select * from staging.build_settings')).getRowObjectsJS();
    // DuckDB reports 300MB (decimal) in binary units.
    expect(row).toEqual({ memory_limit: '286.1 MiB', threads: 1n, temp_directory: path.join(config.layout.root, 'tmp', 'duckdb') });
  });

  it('let a model larger than the memory limit spill to disk', async () => {
    const ws = makeWorkspace([], { warehouse: { memory_limit: '64MB', threads: 1 } });
    cleanups.push(ws.cleanup);
    const modelsDir = path.join(ws.dir, 'models');
    fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
    // About 130 MB of distinct text, sorted: beyond the 64MB limit.
    fs.writeFileSync(
      path.join(modelsDir, 'staging', 'big_sort.sql'),
      "-- grain: one row per number\nselect i, repeat(md5(i::varchar), 4) as text from range(1000000) as r(i) order by text\n",
    );
    const { models } = await buildWarehouse(ws.config(), { modelsDir });
    expect(models).toContainEqual({ model: 'staging.big_sort', rows: 1_000_000 });
  });
});
