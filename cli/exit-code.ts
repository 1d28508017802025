import { CommanderError } from 'commander';
import { CdpError, ERROR_NAMES } from '../lib/errors';
import { innermostCause } from '../lib/failure-cause';

// `cdp` exits 2 for an error it expects and explains in one line (a bad flag, a bad config, an
// unknown connection, a rejected credential) and 1 for a bug. Temporal's errors are recognized by
// the markers its classes carry, so this stays free of Temporal's modules and `cdp --help` fast.

export const EXIT_KNOWN_ERROR = 2;
export const EXIT_BUG = 1;

/** Failure types a workflow reports for cdp's own errors thrown inside an activity: every cdp error name. */
const KNOWN_FAILURE_TYPES: ReadonlySet<string> = new Set(Object.values(ERROR_NAMES));

const isMarked = (err: unknown, marker: string): boolean => typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[Symbol.for(`__temporal_is${marker}`)] === true;

/** The innermost cause of a failed workflow (an activity's own error), or undefined for any other error. */
export function workflowFailureCause(err: unknown): unknown {
  if (!isMarked(err, 'WorkflowFailedError')) return undefined;
  if ((err as { cause?: unknown }).cause === undefined) return undefined;
  return innermostCause(err);
}

/** The exit code for an error: 0 for help, 2 for an error cdp expects, 1 for a bug. */
export function exitCodeOf(err: unknown): number {
  // Commander's own usage errors (unknown option, missing argument) and help, which exits 0.
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_KNOWN_ERROR;
  if (err instanceof CdpError) return EXIT_KNOWN_ERROR;
  const cause = workflowFailureCause(err);
  if (isMarked(cause, 'ApplicationFailure') && KNOWN_FAILURE_TYPES.has(String((cause as { type?: unknown }).type))) return EXIT_KNOWN_ERROR;
  return EXIT_BUG;
}
