import { CdpError } from '../lib/errors';
import { workflowFailureCause } from './exit-code';

/** Formats an error for the terminal: one line for errors cdp expects, the stack for bugs. */
export function formatError(err: unknown): string {
  if (err instanceof CdpError) return `cdp: ${err.message}`;
  // Temporal wraps activity failures; the useful message is the innermost one.
  const cause = workflowFailureCause(err);
  if (cause !== undefined) return `cdp: ${(cause as Error).message}`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Prints to stderr so stdout stays clean for query output. */
export function info(line: string): void {
  process.stderr.write(`${line}\n`);
}
