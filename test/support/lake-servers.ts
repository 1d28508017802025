import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureMotoServer, ensurePostgres, motoPythonPath } from '../../lib/lake/local-servers';
import type { StorageConfig } from '../../lib/lake/storage-config';
import { freePort, waitFor } from './processes';

// Throwaway PostgreSQL and S3-compatible servers for the lake at scale: each on a free port with a
// folder of its own, stopped and deleted by stop(). A test process that dies without stop() leaves
// its folder behind with its own pid in it; the next start stops and deletes such orphans first.

const execFileAsync = promisify(execFile);
const USER = 'cdp';
const OWNER_FILE = 'owner.pid';

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** libpq key=value without password */
  settings: string;
  /** The server's main process (its connections' processes are its children). */
  pid: number;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  keyId: string;
  secret: string;
  region: string;
  /** The server's process. */
  pid: number;
  createBucket(name: string): Promise<void>;
  /** The keys under a prefix of a bucket, as S3 lists them. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface LakeServers {
  storage: StorageConfig;
  /** The values of the variables `storage` names: set them in process.env or pass them to child processes. */
  env: Record<string, string>;
  postgres: TestPostgres;
  s3: TestS3;
  stop(): Promise<void>;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A new folder under the system's temp folder, marked with this process's pid; orphans of dead processes are cleared first. */
function serverFolder(prefix: string, stopOrphan: (dir: string) => void): string {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp).filter((n) => n.startsWith(prefix))) {
    const dir = path.join(tmp, name);
    try {
      const ownerFile = path.join(dir, OWNER_FILE);
      const owner = fs.existsSync(ownerFile) ? Number(fs.readFileSync(ownerFile, 'utf8')) : 0;
      if (owner && isAlive(owner)) continue;
      // A folder being made right now has no owner yet: leave young ones alone.
      if (!owner && Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue;
      stopOrphan(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another user's folder, or one another process is clearing: not ours to touch.
    }
  }
  const dir = fs.mkdtempSync(path.join(tmp, prefix));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/** Stops that run in any case when this process exits, for servers a failed test never stopped. */
const atExit = new Set<() => void>();
process.once('exit', () => {
  for (const stop of atExit) stop();
});

/** A throwaway PostgreSQL server on a free port, with its own data folder and password (scram) login for user cdp. */
export async function startPostgres(): Promise<TestPostgres> {
  const { binDir } = ensurePostgres();
  const bin = (name: string) => path.join(binDir, name);
  // initdb and the server refuse root: as root they run as Debian's postgres user.
  const asServerUser = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asServerUser ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const pgCtlStop = (data: string) => {
    const [cmd, args] = run(bin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(cmd, args, { stdio: 'ignore' });
  };

  const dir = serverFolder('cdp-pg-', (d) => fs.existsSync(path.join(d, 'data', 'postmaster.pid')) && pgCtlStop(path.join(d, 'data')));
  const data = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  fs.writeFileSync(path.join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (asServerUser) {
    const { uid, gid } = fs.statSync('/var/lib/postgresql');
    fs.chownSync(dir, uid, gid);
    fs.chownSync(path.join(dir, 'pwfile'), uid, gid);
  }
  const exec = async (cmd: string, args: string[]) => {
    const [c, a] = run(cmd, args);
    try {
      await execFileAsync(c, a, { cwd: dir });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${path.basename(cmd)} failed: ${e.stderr?.trim() || e.stdout?.trim() || e.message}`);
    }
  };
  await exec(bin('initdb'), ['-D', data, '-U', USER, '--pwfile', path.join(dir, 'pwfile'), '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
  fs.rmSync(path.join(dir, 'pwfile'));

  const host = '127.0.0.1';
  const port = await freePort();
  const stopServer = () => pgCtlStop(data);
  atExit.add(stopServer);
  try {
    await exec(bin('pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=${host} -c fsync=off -c max_connections=100`, 'start']);
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
    stopServer();
    atExit.delete(stopServer);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`);
  }

  const settingsFor = (database: string) => `host=${host} port=${port} user=${USER} dbname=${database}`;
  const psql = async (sql: string) => {
    try {
      await execFileAsync(bin('psql'), [settingsFor('postgres'), '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { env: { ...process.env, PGPASSWORD: password } });
    } catch (err) {
      throw new Error(`psql failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
    }
  };
  const database = 'cdp';
  await psql(`CREATE DATABASE ${database}`);
  return {
    host,
    port,
    user: USER,
    password,
    database,
    settings: settingsFor(database),
    pid: Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    createDatabase: (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`createDatabase: ${name} is not a plain lower-case name`);
      return psql(`CREATE DATABASE ${name}`);
    },
    stop: async () => {
      stopServer();
      atExit.delete(stopServer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** An S3 request signed with AWS Signature Version 4 (path-style URL); returns the body, throws on a non-2xx answer. */
async function s3Request(s3: { endpoint: string; keyId: string; secret: string; region: string }, method: string, pathname: string, query: Record<string, string> = {}): Promise<string> {
  const url = new URL(pathname, s3.endpoint);
  const sortedQuery = Object.keys(query)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k] as string)}`)
    .join('&');
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256('');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const signed = Object.keys(headers).sort();
  const canonical = [method, url.pathname, sortedQuery, ...signed.map((h) => `${h}:${headers[h]}`), '', signed.join(';'), payloadHash].join('\n');
  const scope = `${day}/${s3.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${s3.secret}`, day), s3.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${s3.keyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  const res = await fetch(`${url.origin}${url.pathname}${sortedQuery ? `?${sortedQuery}` : ''}`, { method, headers: { ...headers, authorization } });
  const body = await res.text();
  if (!res.ok) throw new Error(`S3 ${method} ${pathname} answered ${res.status}: ${body}`);
  return body;
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** moto's S3-compatible server on a free port (buckets in its memory; its folder holds only its log). */
export async function startS3(): Promise<TestS3> {
  const script = ensureMotoServer();
  const stopChild = (child: ChildProcess) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const dir = serverFolder('cdp-s3-', (d) => {
    const pid = Number(fs.existsSync(path.join(d, 'server.pid')) ? fs.readFileSync(path.join(d, 'server.pid'), 'utf8') : 0);
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(script, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: motoPythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  fs.writeFileSync(path.join(dir, 'server.pid'), String(child.pid));
  const stopServer = () => stopChild(child);
  atExit.add(stopServer);
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = { endpoint, keyId: `cdp-test-${randomBytes(4).toString('hex')}`, secret: randomBytes(24).toString('base64url'), region: 'us-east-1' };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8')}`);
        return fetch(`${endpoint}/moto-api/`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      `moto_server on ${endpoint}`,
    );
  } catch (err) {
    stopServer();
    atExit.delete(stopServer);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...s3,
    pid: child.pid as number,
    createBucket: async (name) => {
      await s3Request(s3, 'PUT', `/${name}`);
    },
    listKeys: async (bucket, prefix = '') => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const body = await s3Request(s3, 'GET', `/${bucket}`, { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
        for (const m of body.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1] as string));
        token = /<IsTruncated>true<\/IsTruncated>/.test(body) ? unescapeXml(/<NextContinuationToken>([^<]*)</.exec(body)?.[1] ?? '') : undefined;
      } while (token);
      return keys;
    },
    stop: async () => {
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
      stopServer();
      await exited;
      atExit.delete(stopServer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The variables the storage settings of startLakeServers name. */
export const LAKE_ENV = { catalogPassword: 'CDP_CATALOG_PASSWORD', endpoint: 'CDP_S3_ENDPOINT', keyId: 'CDP_S3_KEY_ID', secret: 'CDP_S3_SECRET' } as const;

/**
 * A PostgreSQL catalog (database `lake` unless named) and an S3 data path (bucket `cdp-lake` unless
 * named) on fresh servers, with the storage settings that point a lake at them.
 */
export async function startLakeServers(opts: { database?: string; bucket?: string } = {}): Promise<LakeServers> {
  const database = opts.database ?? 'lake';
  const bucket = opts.bucket ?? 'cdp-lake';
  const [pg, s3] = await Promise.allSettled([startPostgres(), startS3()]);
  if (pg.status === 'rejected' || s3.status === 'rejected') {
    if (pg.status === 'fulfilled') await pg.value.stop();
    if (s3.status === 'fulfilled') await s3.value.stop();
    throw pg.status === 'rejected' ? pg.reason : (s3 as PromiseRejectedResult).reason;
  }
  const postgres = pg.value;
  const server = s3.value;
  const stop = async () => {
    await Promise.all([postgres.stop(), server.stop()]);
  };
  try {
    if (database !== postgres.database) await postgres.createDatabase(database);
    await server.createBucket(bucket);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    storage: {
      catalog: `postgres:host=${postgres.host} port=${postgres.port} user=${postgres.user} dbname=${database}`,
      catalog_password_env: LAKE_ENV.catalogPassword,
      data_path: `s3://${bucket}/lake/`,
      s3: { endpoint_env: LAKE_ENV.endpoint, key_id_env: LAKE_ENV.keyId, secret_env: LAKE_ENV.secret, region: server.region, url_style: 'path' },
    },
    env: { [LAKE_ENV.catalogPassword]: postgres.password, [LAKE_ENV.endpoint]: server.endpoint, [LAKE_ENV.keyId]: server.keyId, [LAKE_ENV.secret]: server.secret },
    postgres,
    s3: server,
    stop,
  };
}

/** Sets the variables `env` names in this process's environment; returns what puts the previous values back. */
export function exportLakeEnv(env: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
