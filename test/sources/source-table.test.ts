import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceSpec } from '../../activities/sources/registry';
import type { SourceSpec } from '../../activities/sources/spec';
import { SOURCE_EMULATORS } from '../../emulators/registry';
import { configSchema, connectionSchema } from '../../lib/config-schema';
import { PROJECT_ROOT } from '../../lib/paths';
import { SOURCES } from '../../lib/sources';

// Folders beside the sources' own that every source shares.
const SHARED_CONNECTOR_FOLDERS = ['paging'];
const SHARED_EMULATOR_FOLDERS = ['http', 'world'];

const at = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
const foldersIn = (dir: string) =>
  fs
    .readdirSync(at(dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
const filesIn = (dir: string) => (fs.existsSync(at(dir)) ? fs.readdirSync(at(dir), { recursive: true, encoding: 'utf8' }) : []);

describe.each(SOURCES.map((s) => [s.name, s] as const))('source %s', (name, source) => {
  it('has a connector spec of that name in its folder, and the connector registry serves it', async () => {
    const specFile = at('activities', 'sources', source.folder, 'spec.ts');
    expect(fs.existsSync(specFile), specFile).toBe(true);
    const specs = Object.values((await import(specFile)) as Record<string, unknown>).filter(
      (v): v is SourceSpec => typeof v === 'object' && v !== null && 'streams' in v && 'name' in v,
    );
    expect(specs.map((s) => s.name)).toEqual([name]);
    expect(sourceSpec(name)).toBe(specs[0]);
  });

  it('has an emulator in its folder and a row in the emulator registry', () => {
    expect(fs.existsSync(at('emulators', source.folder, 'index.ts')), `emulators/${source.folder}/index.ts`).toBe(true);
    expect(SOURCE_EMULATORS[name]).toBeDefined();
  });

  it('has staging models named after it', () => {
    const models = filesIn('models/staging').filter((f) => f.startsWith(`stg_${name}__`) && f.endsWith('.sql'));
    expect(models.length, `models/staging/stg_${name}__*.sql`).toBeGreaterThan(0);
  });

  it('has an intermediate orders model exactly when its records become orders', () => {
    expect(fs.existsSync(at('models', 'intermediate', `int_${name}__orders.sql`)), `models/intermediate/int_${name}__orders.sql`).toBe(source.orders);
  });

  it('has its tests in its own folder', () => {
    const tests = filesIn(`test/sources/${source.folder}`).filter((f) => f.endsWith('.test.ts'));
    expect(tests.length, `test/sources/${source.folder}/*.test.ts`).toBeGreaterThan(0);
  });

  it('names the help text of every path parameter a connection needs', () => {
    const credential = source.signIn === 'lwa' ? { lwa: { client_id_env: 'ID', client_secret_env: 'SECRET', refresh_token_env: 'REFRESH' } } : { credential_env: 'KEY' };
    const connection = { id: 'c', source: name, environment: 'live', base_url: 'https://api.example.com', ...credential };
    const result = configSchema.safeParse({ connections: [connection] });
    const missing = result.success ? [] : result.error.issues.map((i) => i.message);
    expect(missing).toEqual(Object.entries(source.pathParams).map(([param, help]) => `a ${name} connection needs path_params.${param}: ${help}`));
  });
});

describe('the source table', () => {
  it('has one row per source name and folder', () => {
    expect(new Set(SOURCES.map((s) => s.name)).size).toBe(SOURCES.length);
    expect(new Set(SOURCES.map((s) => s.folder)).size).toBe(SOURCES.length);
    expect(new Set(SOURCES.map((s) => s.emulator.defaultPort)).size).toBe(SOURCES.length);
  });

  it('has a row for every connector and emulator folder', () => {
    const folders = SOURCES.map((s) => s.folder);
    expect(foldersIn('activities/sources').filter((f) => !folders.includes(f) && !SHARED_CONNECTOR_FOLDERS.includes(f))).toEqual([]);
    expect(foldersIn('emulators').filter((f) => !folders.includes(f) && !SHARED_EMULATOR_FOLDERS.includes(f))).toEqual([]);
    expect(Object.keys(SOURCE_EMULATORS).sort()).toEqual(SOURCES.map((s) => s.name).sort());
  });

  it('is what the config accepts as a connection source, and nothing else', () => {
    expect([...connectionSchema.shape.source.options].sort()).toEqual(SOURCES.map((s) => s.name).sort());
    for (const other of ['amazon-seller', 'amazon_sp', 'facebook', 'facebook-ads', 'fb', 'Stripe']) {
      const connection = { id: 'c', source: other, environment: 'live', base_url: 'https://api.example.com', credential_env: 'KEY' };
      expect(connectionSchema.safeParse(connection).success, other).toBe(false);
    }
  });
});
