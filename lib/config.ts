import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors';
import { configSchema, type CdpConfig, type ConnectionConfig } from './config-schema';
import { dataLayout, type DataLayout } from './paths';

export const DEFAULT_CONFIG_FILE = 'cdp.config.yaml';

/** A validated config plus where it came from and where its data lives. */
export interface LoadedConfig extends CdpConfig {
  file: string;
  layout: DataLayout;
  /** The folder of segment definitions, resolved against the config file's folder. */
  segmentsDir: string;
}

/** Formats zod issues as "file: path: message" lines, one per problem. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
      return `${file}: ${where}: ${issue.message}`;
    })
    .join('\n');
}

/** Resolves which config file to use: the flag, then CDP_CONFIG, then ./cdp.config.yaml. */
export function resolveConfigPath(flag?: string): string {
  return path.resolve(flag ?? process.env.CDP_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/** Parses and validates config text; data_dir is resolved against the file's folder. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${file}: not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`, file);
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new ConfigError(`invalid config\n${formatIssues(file, result.error.issues)}`, file);
  }
  const dataDir = process.env.CDP_DATA_DIR ?? path.resolve(path.dirname(file), result.data.data_dir);
  const segmentsDir = path.resolve(path.dirname(file), result.data.segments_dir);
  return { ...result.data, file, layout: dataLayout(dataDir), segmentsDir };
}

/** Reads and validates a config file, with an error that names the file when it is missing or wrong. */
export function loadConfig(file: string = resolveConfigPath()): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`config file ${file} not found; pass --config <file> or set CDP_CONFIG`, file);
  }
  return parseConfig(text, file);
}

/** Finds a connection by id, or says which ids exist. */
export function findConnection(config: LoadedConfig, id: string): ConnectionConfig {
  const connection = config.connections.find((c) => c.id === id);
  if (!connection) {
    const known = config.connections.map((c) => c.id).join(', ') || 'none';
    throw new ConfigError(`${config.file}: no connection "${id}" (known: ${known})`, config.file);
  }
  return connection;
}
