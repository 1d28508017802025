import { CdpError } from '../lib/errors';

/** Formats an error for the terminal: one line for errors cdp expects, the stack for bugs. */
export function formatError(err: unknown): string {
  if (err instanceof CdpError) return `cdp: ${err.message}`;
  const cause = (err as { cause?: unknown })?.cause;
  // Temporal wraps activity failures; the useful message is the innermost one.
  if (cause && (err as Error).name === 'WorkflowFailedError') {
    let inner: unknown = cause;
    while ((inner as { cause?: unknown }).cause) inner = (inner as { cause?: unknown }).cause;
    return `cdp: ${(inner as Error).message}`;
  }
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Prints to stderr so stdout stays clean for query output. */
export function info(line: string): void {
  process.stderr.write(`${line}\n`);
}
