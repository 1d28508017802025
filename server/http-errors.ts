import type { z } from 'zod';

// Errors a route answers with: a status, a message a person can act on, and for an invalid segment
// definition the list of problems, each with the rule's path.

export interface Problem {
  /** Where in the definition, as validation names it: `rules.all[1].op`, `name`, `(top level)`. */
  path: string;
  message: string;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems?: Problem[],
    /** Sent as Retry-After with a 429 or 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const unauthorized = () => new HttpError(401, 'sign in first');
export const forbidden = (what: string) => new HttpError(403, `you may not ${what}`);
export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/** Parses a request part with a zod schema; a mismatch is a 400 naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(top level)', message: i.message }));
  throw new HttpError(400, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}
