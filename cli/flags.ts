import type { z } from 'zod';
import { ConfigError } from '../lib/errors';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Validates a command's flags with a schema; the error names the command and each wrong flag. */
export function parseFlags<T extends z.ZodType>(command: string, schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `cdp ${command}: ${i.path.length ? `--${kebab(String(i.path[0]))}` : 'arguments'}: ${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  return result.data;
}

/** Where `cdp serve` listens unless told otherwise (the demo starts it there). */
export const DEFAULT_SERVE_PORT = 8780;
