import path from 'node:path';
import type { LoadedConfig } from '../lib/config';

// What an error says to the person who asked: the same words the CLI prints, without the server's
// folders. A path inside the project reads as it does from there (`segments/vip.yaml`); any other
// absolute path is cut to its last part.

const ABSOLUTE_PATH = /(?<![\w:/.~-])\/(?:[^\s/'"`,;:()]+\/)*[^\s/'"`,;:()]+/g;

/** The message with every absolute path made relative to the config's folder, or cut to its file name. */
export function withoutServerPaths(config: LoadedConfig, message: string): string {
  const projectDir = path.dirname(config.file);
  return message.replace(ABSOLUTE_PATH, (p) => {
    const relative = path.relative(projectDir, p);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.basename(p);
  });
}
