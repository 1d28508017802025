import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { changeSegment, createSegment } from '../../../app/segments';
import type { LoadedConfig } from '../../../lib/config';
import { closeLakes } from '../../../lib/lake/open-lake';
import { PROJECT_ROOT } from '../../../lib/paths';
import { materializeSegments } from '../../../lib/segments/materialize';
import { builtWorkspaceOf, EVERY_DOE, SHOP_CONNECTION, THE_DOES } from '../../support/known-customers';
import { startLakeServers, type LakeServers } from '../../support/lake-servers';
import { storeRows } from '../../support/segment-store-rows';
import { makeWorkspace } from '../../support/workspace';

// The segment store on the lake at scale: a PostgreSQL catalog and an S3 data path (moto's server),
// started fresh for this file. One process materializes; another, whose data folder holds only a
// copy of the warehouse file (no segment store, no lake of its own), reads the members and history.

const execFileAsync = promisify(execFile);
const EMAILS = THE_DOES.map((p) => p.email).sort();
const N = THE_DOES.length;
let servers: LakeServers;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  servers = await startLakeServers();
  for (const [name, value] of Object.entries(servers.env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
}, 180_000);
afterAll(async () => {
  await closeLakes();
  await servers?.stop();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Reads a segment in another process, on a config of the other machine's data folder. */
async function readElsewhere(configFile: string, segment: string): Promise<{ total: number; emails: string[]; history: number; exits: number }> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'support', 'segment-reader-child.ts'), configFile, segment], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...servers.env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

describe('the segment store on a PostgreSQL catalog and an S3 data path', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let other: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;

  beforeAll(async () => {
    ({ ws, config } = await builtWorkspaceOf(THE_DOES, { storage: servers.storage }));
    createSegment(config, { name: 'everyone', environment: 'live', rules: EVERY_DOE });
    // The other machine: the same storage and segment definitions, its own data folder with the warehouse file only.
    other = makeWorkspace([SHOP_CONNECTION], { storage: servers.storage });
    const otherConfig = other.config();
    fs.mkdirSync(otherConfig.layout.root, { recursive: true });
    fs.copyFileSync(config.layout.warehouse, otherConfig.layout.warehouse);
    fs.cpSync(config.segmentsDir, otherConfig.segmentsDir, { recursive: true });
    fs.writeFileSync(other.configFile, stringify({ data_dir: 'data', storage: servers.storage, connections: [SHOP_CONNECTION] }));
  }, 180_000);

  afterAll(() => {
    ws?.cleanup();
    other?.cleanup();
  });

  it('materializes into the lake, and another process with no segment store of its own reads the members and history', async () => {
    const out = await materializeSegments(config, { now: new Date('2030-01-01T00:00:00Z') });
    expect(out.failed).toEqual([]);
    expect(out.segments.find((s) => s.segment === 'everyone')).toMatchObject({ members: N, entered: N, exited: 0 });
    expect(await storeRows(config, 'members', 'everyone')).toHaveLength(N);
    expect(await readElsewhere(other.configFile, 'everyone')).toEqual({ total: N, emails: EMAILS, history: N, exits: 0 });
    // Nothing of the lake is on either local disk: the catalog is PostgreSQL, the data in the bucket.
    for (const root of [config.layout.root, other.config().layout.root]) {
      expect(fs.existsSync(path.join(root, 'lake.sqlite'))).toBe(false);
      expect(fs.existsSync(path.join(root, 'lake'))).toBe(false);
    }
    expect(fs.existsSync(other.config().layout.segments)).toBe(false);
  }, 120_000);

  it('sees the next run whole from the other process', async () => {
    changeSegment(config, 'everyone', { rules: { field: 'last_name', op: 'equals', value: 'Nobody' } });
    const out = await materializeSegments(config, { now: new Date('2030-01-02T00:00:00Z') });
    expect(out.segments.find((s) => s.segment === 'everyone')).toMatchObject({ members: 0, entered: 0, exited: N });
    expect(await readElsewhere(other.configFile, 'everyone')).toEqual({ total: 0, emails: [], history: N, exits: N });
  }, 120_000);
});
