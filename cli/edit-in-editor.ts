import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { replaceSegment } from '../app/segments';
import type { LoadedConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { findSegment } from '../lib/segments/files';

/** Opens a segment's definition in $VISUAL/$EDITOR as a draft and saves it when it is valid; returns the file. */
export function editSegmentInEditor(config: LoadedConfig, name: string): string {
  const { definition } = findSegment(config, name);
  const editor = process.env.VISUAL ?? process.env.EDITOR;
  if (!editor || !process.stdin.isTTY) throw new ConfigError('give --rules, --description or --environment, or set $EDITOR and run in a terminal to edit the file');
  const draft = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-segment-')), `${definition.name}.yaml`);
  fs.writeFileSync(draft, stringify(definition, { lineWidth: 0 }));
  const run = spawnSync(editor, [draft], { stdio: 'inherit', shell: true });
  if (run.status !== 0) throw new ConfigError(`${editor} exited with ${run.status}; nothing saved (your draft: ${draft})`);
  const raw = parseDocument(fs.readFileSync(draft, 'utf8')).toJS() as Record<string, unknown>;
  try {
    return replaceSegment(config, definition.name, raw, draft);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(`${err.message}\nnothing saved; fix your draft and run \`cdp segment create ${definition.name}\` or edit again (draft: ${draft})`);
  }
}
