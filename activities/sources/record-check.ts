import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';

// Every synced record is checked against its stream's zod schema. zod builds a copy of every
// record it accepts, which a sync that lands the source's own text never reads: most of its cost.
// So a stream's schema is also compiled, once, into a JSON Schema validator that only says yes or
// no, and zod runs only on a record that validator refuses, to name what is wrong (or to accept it,
// where the validator is stricter). A schema the JSON Schema cannot say exactly (a refinement, a
// transform) is checked by zod alone.

/** Where a record fails its schema, and how. */
export interface RecordIssue {
  path: PropertyKey[];
  message: string;
}

type Check = (record: unknown) => boolean;

/** Node types whose JSON Schema checks what zod checks on the input. */
const FAITHFUL_TYPES = new Set(['object', 'string', 'number', 'int', 'boolean', 'null', 'literal', 'enum', 'union', 'nullable', 'optional', 'array', 'record', 'unknown', 'any']);
/** zod checks the JSON Schema says exactly; a string format only where it comes with its pattern. */
const FAITHFUL_CHECKS = new Set(['less_than', 'greater_than', 'multiple_of', 'number_format', 'min_length', 'max_length', 'length_equals', 'min_size', 'max_size']);
const FAITHFUL_FORMATS = new Set(['regex', 'starts_with', 'ends_with', 'includes']);

interface ZodInternals {
  _zod: { def: { type: string; checks?: { _zod: { def: { check: string; format?: string } } }[]; format?: string } };
}

function faithful(node: ZodInternals): boolean {
  const { def } = node._zod;
  if (!FAITHFUL_TYPES.has(def.type)) return false;
  // A string schema with a format (z.email()) is a string node whose def names the format.
  if (def.type === 'string' && def.format !== undefined && !FAITHFUL_FORMATS.has(def.format)) return false;
  return (def.checks ?? []).every(({ _zod: { def: c } }) => FAITHFUL_CHECKS.has(c.check) || (c.check === 'string_format' && FAITHFUL_FORMATS.has(c.format ?? '')));
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
const compiled = new WeakMap<z.ZodType, Check | null>();

/** The schema's compiled validator, or null where its JSON Schema would not check all that zod does. */
function compiledCheck(schema: z.ZodType): Check | null {
  let check = compiled.get(schema);
  if (check !== undefined) return check;
  let exact = true;
  try {
    const json = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'throw',
      override: (ctx) => {
        if (!faithful(ctx.zodSchema as unknown as ZodInternals)) exact = false;
      },
    });
    check = exact ? (ajv.compile(json) as Check) : null;
  } catch {
    check = null;
  }
  compiled.set(schema, check);
  return check;
}

/** Whether records of the schema are checked by a compiled validator first (zod naming only what it refuses). */
export function hasCompiledCheck(schema: z.ZodType): boolean {
  return compiledCheck(schema) !== null;
}

/** The record's issues against the schema, as zod names them; none when it passes. */
export function recordIssues(schema: z.ZodType, record: unknown): readonly RecordIssue[] {
  if (compiledCheck(schema)?.(record)) return [];
  const parsed = schema.safeParse(record);
  return parsed.success ? [] : parsed.error.issues;
}
