import fs from 'node:fs';
import path from 'node:path';
import { DependencyError } from '../errors';
import { PROJECT_ROOT } from '../paths';
import { findPip, pipInstallInto } from '../pip';

// DuckDB's lake extensions for the DuckDB version that @duckdb/node-api is pinned to. DuckDB cannot
// download them at run time here; PyPI ships each as a wheel holding
// `extensions/v<version>/<name>.duckdb_extension`, so `cdp setup` pip-installs them under .tools/.
// The pin moves with @duckdb/node-api's: an extension of another DuckDB version is refused.

export const DUCKDB_VERSION = '1.5.5';
/** The extensions the lake loads, by DuckDB name, with the PyPI package that ships each. */
export const LAKE_EXTENSIONS = {
  ducklake: 'duckdb-extension-ducklake',
  sqlite_scanner: 'duckdb-extension-sqlite-scanner',
  postgres_scanner: 'duckdb-extension-postgres-scanner',
  httpfs: 'duckdb-extension-httpfs',
} as const;
export type LakeExtension = keyof typeof LAKE_EXTENSIONS;

const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'duckdb-extensions');

/** Where an extension's file is, installed or not: CDP_DUCKDB_EXTENSIONS_DIR, else the project's .tools/. */
export function extensionFile(name: LakeExtension): string {
  const root = process.env.CDP_DUCKDB_EXTENSIONS_DIR ?? TOOLS_DIR;
  const pkg = LAKE_EXTENSIONS[name].replaceAll('-', '_');
  return path.join(root, pkg, 'extensions', `v${DUCKDB_VERSION}`, `${name}.duckdb_extension`);
}

/** Makes sure every lake extension is installed, pip-installing the missing ones into .tools/; returns their files. */
export function ensureLakeExtensions(log: (line: string) => void = () => {}): Record<LakeExtension, string> {
  const names = Object.keys(LAKE_EXTENSIONS) as LakeExtension[];
  const missing = names.filter((n) => !fs.existsSync(extensionFile(n)));
  if (missing.length > 0) {
    if (process.env.CDP_DUCKDB_EXTENSIONS_DIR) {
      throw new DependencyError(`CDP_DUCKDB_EXTENSIONS_DIR=${process.env.CDP_DUCKDB_EXTENSIONS_DIR} lacks ${missing.map((n) => extensionFile(n)).join(', ')}`);
    }
    const pip = findPip();
    if (!pip) throw new DependencyError(`DuckDB's ${missing.join(', ')} extensions are missing and there is no pip to install them with: install Python 3 with pip, then run \`npx cdp setup\``);
    const packages = missing.map((n) => `${LAKE_EXTENSIONS[n]}==${DUCKDB_VERSION}`);
    log(`installing DuckDB extensions (${packages.join(', ')}) into ${path.relative(process.cwd(), TOOLS_DIR) || TOOLS_DIR}`);
    try {
      pipInstallInto(pip, TOOLS_DIR, packages, { deps: false });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
      throw new DependencyError(`pip could not install ${packages.join(', ')}: ${stderr}`);
    }
    const still = names.filter((n) => !fs.existsSync(extensionFile(n)));
    if (still.length > 0) throw new DependencyError(`installed, but ${still.map((n) => extensionFile(n)).join(', ')} is missing`);
  }
  return Object.fromEntries(names.map((n) => [n, extensionFile(n)])) as Record<LakeExtension, string>;
}
