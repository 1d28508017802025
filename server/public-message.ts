import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../lib/config';

// What an error says to the person who asked: the same words the CLI prints, without the server's
// folders. A path inside the project reads as it does from there (`segments/vip.yaml`); any other
// absolute path on the server's disk is cut to its last part; a URL's path such as `/v1/events`,
// whose first folder the server does not have, is left as it is.

const ABSOLUTE_PATH = /(?<![\w:/.~-])\/(?:[^\s/'"`,;:()]+\/)*[^\s/'"`,;:()]+/g;

/** The message with every absolute path made relative to the config's folder, or cut to its file name. */
export function withoutServerPaths(config: LoadedConfig, message: string): string {
  const projectDir = path.dirname(config.file);
  return message.replace(ABSOLUTE_PATH, (p) => {
    if (!fs.existsSync(`/${p.split('/')[1]}`)) return p;
    const relative = path.relative(projectDir, p);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.basename(p);
  });
}
