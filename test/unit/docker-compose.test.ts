import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../lib/config-schema';
import { PROJECT_ROOT } from '../../lib/paths';
import { LAKE_ENV } from '../support/lake-servers';

// docker-compose.yml cannot run here (no Docker engine), so it is checked as text: it parses, every
// service has a pinned image or this project's build, what it refers to exists, the cdp services get
// every variable deploy/cdp.config.yaml names, the secrets agree between the services, and each cdp
// command it runs is one `cdp` accepts.

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}

// Compose applies YAML merge keys (`<<: *cdp-env`).
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const cdpServices = Object.entries(services).filter(([, s]) => s.build === '.');
const deployConfig = configSchema.parse(parse(fs.readFileSync(path.join(PROJECT_ROOT, 'deploy', 'cdp.config.yaml'), 'utf8')));

describe('docker-compose.yml', () => {
  it('every service has a pinned image or the project build, and what it depends on and mounts exists', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'minio', 'temporal', 'cdp-worker', 'cdp-build-worker', 'cdp-serve']));
    for (const [name, s] of Object.entries(services)) {
      if (s.build === undefined) expect(s.image, name).toMatch(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/);
      else expect(fs.existsSync(path.join(PROJECT_ROOT, s.build, 'Dockerfile')), name).toBe(true);
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(Object.keys(services), `${name} depends on ${d}`).toContain(d);
      for (const v of s.volumes ?? []) {
        const [from] = v.split(':');
        if (from!.startsWith('.')) expect(fs.existsSync(path.join(PROJECT_ROOT, from!)), `${name} mounts ${from}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name} uses volume ${from}`).toContain(from);
      }
    }
    // Sync workers scale out with no disk of their own.
    expect(services['cdp-worker']!.deploy?.replicas).toBeGreaterThan(1);
    expect(services['cdp-worker']!.volumes?.every((v) => v.endsWith(':ro'))).toBe(true);
  });

  it('the cdp services get every variable the storage settings name, and the secrets agree with PostgreSQL and MinIO', () => {
    const storage = deployConfig.storage;
    expect(storage.catalog).toMatch(/^postgres:/);
    expect(storage.data_path).toMatch(/^s3:\/\//);
    const names = [storage.catalog_password_env, storage.s3?.endpoint_env, storage.s3?.key_id_env, storage.s3?.secret_env];
    // The same names the lake's tests start their servers with.
    expect(names).toEqual([LAKE_ENV.catalogPassword, LAKE_ENV.endpoint, LAKE_ENV.keyId, LAKE_ENV.secret]);
    expect(cdpServices.length).toBeGreaterThanOrEqual(3);
    for (const [name, s] of cdpServices) {
      for (const n of names) expect(s.environment?.[n!], `${name} ${n}`).toBeTruthy();
      expect(s.environment?.CDP_CONFIG, name).toBe('/app/deploy/cdp.config.yaml');
      expect(s.volumes, name).toContain('./deploy/cdp.config.yaml:/app/deploy/cdp.config.yaml:ro');
    }
    const env = services['cdp-worker']!.environment!;
    expect(services.postgresql!.environment!.CDP_CATALOG_PASSWORD).toBe(env.CDP_CATALOG_PASSWORD);
    expect(services.minio!.environment).toMatchObject({ MINIO_ROOT_USER: env.CDP_S3_KEY_ID, MINIO_ROOT_PASSWORD: env.CDP_S3_SECRET });
    expect(new URL(env.CDP_S3_ENDPOINT!).host).toBe('minio:9000');
    // The bucket MinIO's setup makes is the data path's; the database and role the init script makes are the catalog's.
    const bucket = new URL(storage.data_path!).host;
    expect(JSON.stringify(services['minio-setup']!.command)).toContain(`lake/${bucket}`);
    const init = fs.readFileSync(path.join(PROJECT_ROOT, 'deploy', 'postgres-init.sh'), 'utf8');
    const settings = Object.fromEntries(storage.catalog!.slice('postgres:'.length).split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    expect(init).toContain(`CREATE ROLE ${settings.user} LOGIN PASSWORD '\${CDP_CATALOG_PASSWORD}'`);
    expect(init).toContain(`CREATE DATABASE ${settings.dbname} OWNER ${settings.user}`);
    expect(settings.host).toBe('postgresql');
  });

  it("each cdp service runs a command and options that cdp accepts", () => {
    for (const [name, s] of cdpServices) {
      const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), ...s.command!, '--help'], { encoding: 'utf8' });
      expect(run.status, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout, name).toContain(`Usage: cdp ${s.command![0]}`);
    }
    expect(services['cdp-worker']!.command).toEqual(['worker', '--queues', 'sync']);
    expect(services['cdp-build-worker']!.command).toEqual(['worker', '--queues', 'build']);
  });
});
