import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { writeFileAtomicSync } from '../fs-atomic';
import { PAYMENT_SOURCES } from '../config-schema';
import { checkTextNesting, SEGMENT_ID, SEGMENT_NAME, segmentIdOf, validateDefinition, type Rule, type SegmentDefinition } from './definition';

// Segments live as `<name>.yaml` (or `.yml`) in the config's `segments_dir`. The account's customer
// definition is the segment `customers`: generated from the config's `customers` section until a
// `customers.yaml` file replaces it. A segment is identified by the `id` its file states, or by
// its name when it states none (the generated `customers` segment, files written by hand).

export const CUSTOMER_SEGMENT = 'customers';

export interface LoadedSegment {
  definition: SegmentDefinition;
  /** The file it was read from; none for the generated customer definition. */
  file?: string;
}

const PAID = ['paid', 'partially_refunded', 'refunded'];

/** The config's customer definition written in the rule language, for the environment that has connections. */
export function customerDefinitionSegment(config: LoadedConfig): SegmentDefinition {
  const { definition, tags_equal, tags_containing } = config.customers;
  const paidOrder: Rule = {
    has: 'order',
    where: { all: [{ field: 'counts_as_revenue', op: 'is_true' }, { field: 'status', op: 'in', value: PAID }] },
  };
  const tagRules = [
    ...tags_equal.map((value): Rule => ({ has: 'tag', where: { field: 'tag', op: 'equals', value } })),
    ...tags_containing.map((value): Rule => ({ has: 'tag', where: { field: 'tag', op: 'contains', value } })),
  ];
  // With no customer tags configured nobody is a customer by tags, as is_tagged_customer says.
  const tagged: Rule = tagRules.length ? { any: tagRules } : { field: 'is_tagged_customer', op: 'is_true' };
  const rules: Rule =
    definition === 'paid_orders'
      ? paidOrder
      : definition === 'tags'
        ? tagged
        : {
            any: [
              { all: [{ field: 'has_payment_source', op: 'is_true' }, paidOrder] },
              { all: [{ field: 'has_payment_source', op: 'is_false' }, tagged] },
            ],
          };
  const environment = config.connections.some((c) => c.environment === 'live') || config.connections.length === 0 ? 'live' : 'sandbox';
  const paymentNote = PAYMENT_SOURCES.join(', ');
  return {
    name: CUSTOMER_SEGMENT,
    environment,
    description: `The account's customers (config customers.definition: ${definition}): a paid order in ${paymentNote}, or the customer tags where no payment source is connected`,
    rules,
  };
}

/** A segment file's name without its extension: the segment's name. */
const stemOf = (file: string): string => path.basename(file).replace(/\.ya?ml$/, '');

/** Parses and validates one segment file; its name must be the file's name. */
export function readSegmentFile(file: string): LoadedSegment {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`segment file ${file} not found`, file);
  }
  checkTextNesting(text, file);
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(`${file}: not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`, file);
  const raw = doc.toJS() as Record<string, unknown> | null;
  const stem = stemOf(file);
  // A file may leave its name out; it is the file's name.
  const definition = validateDefinition(raw && typeof raw === 'object' && !('name' in raw) ? { name: stem, ...raw } : raw, file);
  if (definition.name !== stem) throw new ConfigError(`invalid segment definition\n${file}: name: "${definition.name}" must be the file's name, "${stem}"`, file);
  return { definition, file };
}

function segmentFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every segment: the valid ones, and an error for each file that is not. */
export function loadSegments(config: LoadedConfig): { segments: LoadedSegment[]; errors: ConfigError[] } {
  const segments: LoadedSegment[] = [];
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const file of segmentFiles(config.segmentsDir)) {
    try {
      const loaded = readSegmentFile(file);
      const other = seen.get(loaded.definition.name);
      if (other) throw new ConfigError(`${file}: name: segment "${loaded.definition.name}" is already defined in ${other}`, file);
      // Two files of one id would share members and grants.
      const id = segmentIdOf(loaded.definition);
      const sameId = ids.get(id);
      if (sameId) throw new ConfigError(`${file}: id: "${id}" is already the id of ${sameId}; a copied file keeps its id: remove the id line from the copy`, file);
      seen.set(loaded.definition.name, file);
      ids.set(id, file);
      segments.push(loaded);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
    }
  }
  if (!seen.has(CUSTOMER_SEGMENT)) segments.unshift({ definition: customerDefinitionSegment(config) });
  return { segments, errors };
}

/** A segment by name, or a definition file by path (for trying a file before saving it). */
export function findSegment(config: LoadedConfig, nameOrFile: string): LoadedSegment {
  if (/\.ya?ml$/.test(nameOrFile) || nameOrFile.includes(path.sep)) return readSegmentFile(path.resolve(nameOrFile));
  if (!SEGMENT_NAME.test(nameOrFile)) throw new ConfigError(`"${nameOrFile}" is not a segment name (lower-case letters, digits, - and _) or a .yaml file`);
  const file = existingSegmentFile(config, nameOrFile);
  if (file) return readSegmentFile(file);
  if (nameOrFile === CUSTOMER_SEGMENT) return { definition: customerDefinitionSegment(config) };
  const { segments } = loadSegments(config);
  throw new ConfigError(`no segment "${nameOrFile}" in ${config.segmentsDir}; segments: ${segments.map((s) => s.definition.name).join(', ')}`);
}

export const segmentPath = (config: LoadedConfig, name: string) => path.join(config.segmentsDir, `${name}.yaml`);

/** The files of a segment as they are on disk, `<name>.yaml` and `<name>.yml`, valid or not: none, one, or (by mistake) both. */
export function segmentFilesNamed(config: LoadedConfig, name: string): string[] {
  return ['.yaml', '.yml'].map((ext) => path.join(config.segmentsDir, `${name}${ext}`)).filter((f) => fs.existsSync(f));
}

/** The file of a segment as it is on disk, `<name>.yaml` or `<name>.yml`, valid or not; undefined when there is none. */
export function existingSegmentFile(config: LoadedConfig, name: string): string | undefined {
  return segmentFilesNamed(config, name)[0];
}

/**
 * The id a segment file states, read even when the rest of the file is not valid (a file is deleted
 * or its owner found whatever else is wrong with it); undefined when it states none or cannot be read.
 */
export function statedSegmentId(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    checkTextNesting(text, file);
    const raw = parseDocument(text).toJS() as unknown;
    const id = raw && typeof raw === 'object' && Object.hasOwn(raw, 'id') ? (raw as { id: unknown }).id : undefined;
    return typeof id === 'string' && SEGMENT_ID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The id of the segment of that name: the one its file states, else the name (no file, a file without id, the generated `customers`). */
export function segmentIdByName(config: LoadedConfig, name: string): string {
  const file = existingSegmentFile(config, name);
  return file ? segmentFileId(file) : name;
}

/** The id of the segment a file holds, valid or not: the one it states, else its name. */
export const segmentFileId = (file: string): string => statedSegmentId(file) ?? stemOf(file);

/** The id of every segment there is, of valid files and invalid ones alike, and of the generated `customers`. */
export function existingSegmentIds(config: LoadedConfig): Set<string> {
  return new Set([CUSTOMER_SEGMENT, ...segmentFiles(config.segmentsDir).map(segmentFileId)]);
}

/** Writes a validated definition to the segment's file (`<segments_dir>/<name>.yaml`, or the `.yml` it has), atomically: a reader never sees half of it. */
export function writeSegment(config: LoadedConfig, definition: SegmentDefinition): string {
  const file = existingSegmentFile(config, definition.name) ?? segmentPath(config, definition.name);
  validateDefinition(definition, file);
  const body: Record<string, unknown> = { name: definition.name };
  if (definition.id !== undefined) body.id = definition.id;
  body.environment = definition.environment;
  if (definition.description) body.description = definition.description;
  body.rules = definition.rules;
  writeFileAtomicSync(file, stringify(body, { lineWidth: 0 }));
  return file;
}
