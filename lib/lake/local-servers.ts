import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DependencyError } from '../errors';
import { PROJECT_ROOT } from '../paths';
import { findPip, pipInstallInto } from '../pip';

// The servers a lake at scale stands on, as local programs: PostgreSQL for the catalog (Debian's
// package) and moto's S3-compatible server for the data path (PyPI, installed under .tools/). The
// lake's tests and benchmarks start throwaway copies of both; `cdp setup --lake-servers` installs them.

/** The pinned PyPI package that ships `moto_server`. */
export const MOTO_PACKAGE = 'moto[server]==5.2.5';
const MOTO_DIR = path.join(PROJECT_ROOT, '.tools', 'moto');

export interface PostgresBinaries {
  /** The folder holding initdb, pg_ctl and psql. */
  binDir: string;
  /** Its major version, such as 15. */
  version: number;
}

const isFile = (file: string) => fs.existsSync(file) && fs.statSync(file).isFile();

/**
 * The PostgreSQL programs to run: CDP_POSTGRES_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin,
 * else the folder of an initdb on PATH; undefined when there is none.
 */
export function findPostgres(): PostgresBinaries | undefined {
  const version = (binDir: string) => {
    const out = spawnSync(path.join(binDir, 'initdb'), ['--version'], { encoding: 'utf8' });
    return Number(/(\d+)(\.\d+)*\s*$/.exec(out.stdout?.trim() ?? '')?.[1] ?? 0);
  };
  const fromEnv = process.env.CDP_POSTGRES_BIN;
  if (fromEnv) {
    if (!isFile(path.join(fromEnv, 'initdb'))) throw new DependencyError(`CDP_POSTGRES_BIN=${fromEnv} holds no initdb`);
    return { binDir: fromEnv, version: version(fromEnv) };
  }
  const debian = '/usr/lib/postgresql';
  const installed = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((v) => /^\d+$/.test(v) && isFile(path.join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (installed[0]) return { binDir: path.join(debian, installed[0], 'bin'), version: Number(installed[0]) };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isFile(path.join(dir, 'initdb'))) return { binDir: dir, version: version(dir) };
  }
  return undefined;
}

/** Finds PostgreSQL, installing Debian's package with apt-get when there is none and this process is root. */
export function ensurePostgres(log: (line: string) => void = () => {}): PostgresBinaries {
  const found = findPostgres();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new DependencyError('the lake tests need PostgreSQL (initdb, pg_ctl, psql) and none was found: run `sudo apt-get install -y postgresql`, or set CDP_POSTGRES_BIN to the folder that holds initdb');
  }
  log("installing Debian's postgresql with apt-get");
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) throw new DependencyError(`apt-get ${args.join(' ')} failed: ${run.stderr?.trim() || `exit ${run.status}`}`);
  }
  const after = findPostgres();
  if (!after) throw new DependencyError('apt-get installed postgresql, but no initdb is under /usr/lib/postgresql/*/bin');
  return after;
}

/** Where `moto_server` is once installed (it runs with PYTHONPATH set to motoPythonPath()). */
export function motoServerScript(): string {
  return path.join(MOTO_DIR, 'bin', 'moto_server');
}

/** The folder moto and its dependencies are installed into. */
export function motoPythonPath(): string {
  return MOTO_DIR;
}

/** Makes sure moto's S3 server is installed under .tools/moto, pip-installing it when missing; returns its script. */
export function ensureMotoServer(log: (line: string) => void = () => {}): string {
  const script = motoServerScript();
  if (isFile(script)) return script;
  const pip = findPip();
  if (!pip) throw new DependencyError(`moto's S3 server is missing and there is no pip to install it with: install Python 3 with pip, then run \`npx cdp setup --lake-servers\``);
  log(`installing moto's S3 server (${MOTO_PACKAGE}) into ${path.relative(process.cwd(), MOTO_DIR) || MOTO_DIR}`);
  try {
    pipInstallInto(pip, MOTO_DIR, [MOTO_PACKAGE]);
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
    throw new DependencyError(`pip could not install ${MOTO_PACKAGE}: ${stderr}`);
  }
  if (!isFile(script)) throw new DependencyError(`${MOTO_PACKAGE} installed but ${script} is missing`);
  return script;
}
