// The demo's own cdp.config.yaml for a bench: its connections pointed at emulators running on other
// ports than the demo's, its data in the bench's folder and its segments the project's.
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { EMULATORS, type RunningEmulator } from '../emulators/registry';
import { PROJECT_ROOT } from '../lib/paths';

/** Writes the demo's config to `dir/cdp.config.yaml`, every emulator's default port replaced by the one it runs on; returns its path. */
export function writeDemoConfig(dir: string, running: readonly RunningEmulator[]): string {
  let text = fs.readFileSync(path.join(PROJECT_ROOT, 'cdp.config.yaml'), 'utf8');
  for (const e of running) {
    const defaultPort = EMULATORS.find((x) => x.source === e.source)!.defaultPort;
    // Base URLs and token URLs alike: every address of the emulator carries its port.
    text = text.replaceAll(`127.0.0.1:${defaultPort}`, `127.0.0.1:${new URL(e.url).port}`);
  }
  const config = { ...parse(text), data_dir: 'data', segments_dir: path.join(PROJECT_ROOT, 'segments') };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'cdp.config.yaml');
  fs.writeFileSync(file, stringify(config));
  return file;
}
