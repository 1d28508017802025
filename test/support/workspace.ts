import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type LoadedConfig } from '../../lib/config';

/** A throwaway data folder and config file pointing connections at test emulators. */
export function makeWorkspace(connections: Record<string, unknown>[], extra: Record<string, unknown> = {}): { dir: string; configFile: string; config: () => LoadedConfig; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-test-'));
  const configFile = path.join(dir, 'cdp.config.yaml');
  fs.writeFileSync(configFile, stringify({ data_dir: 'data', ...extra, connections }));
  return {
    dir,
    configFile,
    config: () => loadConfig(configFile),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
