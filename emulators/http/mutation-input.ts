import { z } from 'zod';

/** An id given as a number or as a string of digits, as the APIs print them either way. */
export const numericIdSchema = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a numeric id')]).transform(Number);

/** The first problem of a body a `POST /_emulator/mutate` cannot use: the member (dotted) and what is wrong. */
export function firstProblem(error: z.ZodError): { field: string; message: string; detail: string } {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const message = issue?.message ?? 'invalid';
  return { field, message, detail: `Invalid mutation: ${field}: ${message}` };
}
