// The errors cdp throws and explains in one line. Workflow code imports the names from here, so this
// module imports nothing: it bundles into the workflow sandbox as it is.

/**
 * The name of every cdp error, read by the classes below, the activities' retry policy and the
 * workflows; a Temporal failure carries the name as its type.
 */
export const ERROR_NAMES = {
  cdp: 'CdpError',
  config: 'ConfigError',
  credentialMissing: 'CredentialMissingError',
  sourceAuth: 'SourceAuthError',
  sourceUnavailable: 'SourceUnavailableError',
  sourceRequest: 'SourceRequestError',
  sourceAnswer: 'SourceAnswerError',
  sourceSpec: 'SourceSpecError',
  streamPosition: 'StreamPositionError',
  environmentMismatch: 'EnvironmentMismatchError',
  lakeMismatch: 'LakeMismatchError',
  reportFailed: 'ReportFailedError',
  modelTestFailed: 'ModelTestFailedError',
  temporalCliUnavailable: 'TemporalCliUnavailableError',
  dependency: 'DependencyError',
  dataFolder: 'DataFolderError',
  // Thrown by the application layer and the CLI, never inside an activity.
  syncAlreadyRunning: 'SyncAlreadyRunningError',
  segmentNotMaterialized: 'SegmentNotMaterializedError',
  temporalUnreachable: 'TemporalUnreachableError',
  serviceStart: 'ServiceStartError',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** The errors a later attempt may get past: a source's outage or rate limit, and the general CdpError. */
const RETRYABLE_ERROR_NAMES: ReadonlySet<ErrorName> = new Set([ERROR_NAMES.cdp, ERROR_NAMES.sourceUnavailable]);

/** Error names that a Temporal retry cannot fix; activities fail fast on them. */
export const NON_RETRYABLE_ERROR_NAMES: ErrorName[] = Object.values(ERROR_NAMES).filter((name) => !RETRYABLE_ERROR_NAMES.has(name));

/** Base class for errors cdp expects and can explain in one line. */
export class CdpError extends Error {
  override readonly name: string = ERROR_NAMES.cdp;
}

/** A configuration file, flag or definition is invalid; retrying cannot help. */
export class ConfigError extends CdpError {
  override readonly name = ERROR_NAMES.config;
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A connection's credential is missing from the worker's environment. */
export class CredentialMissingError extends CdpError {
  override readonly name = ERROR_NAMES.credentialMissing;
  constructor(
    readonly connectionId: string,
    readonly envVar: string,
  ) {
    super(
      `connection "${connectionId}" needs its credential in the environment variable ${envVar}, which is not set in the worker's environment; export it before starting the worker`,
    );
  }
}

/**
 * The source rejected the credential (401/403); retrying cannot help, unless `tokenExpired` says
 * the source refused an access token only for its age and a fresh one may be minted.
 */
export class SourceAuthError extends CdpError {
  override readonly name = ERROR_NAMES.sourceAuth;
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number,
    detail: string,
    readonly credentialEnv?: string,
    readonly tokenExpired = false,
  ) {
    super(
      `credentials for ${connectionId} were rejected (HTTP ${status} at ${url}: ${detail}): ` +
        `update ${credentialEnv ?? 'its credential'} and run \`cdp sync ${connectionId}\``,
    );
  }
}

/** The source answered with an error that a retry may fix (429, 5xx, network). */
export class SourceUnavailableError extends CdpError {
  override readonly name = ERROR_NAMES.sourceUnavailable;
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`connection "${connectionId}": ${status ? `HTTP ${status}` : 'no answer'} from ${url}: ${detail}`);
  }
}

/** The source rejected the request itself (4xx other than auth and rate limits). */
export class SourceRequestError extends CdpError {
  override readonly name = ERROR_NAMES.sourceRequest;
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`connection "${connectionId}": HTTP ${status} from ${url}: ${detail}`);
  }
}

/** Where an answer came from: the connection, its source and stream, and the request's URL (never with a credential). */
export interface AnswerOrigin {
  connectionId: string;
  source: string;
  stream: string;
  url: string;
}

/** The path of a URL, for messages that give it before the whole URL. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * The source answered in a shape the stream's spec cannot read (no records array, a page without the
 * id to page on, a report without its document). Asking again gets the same answer, so it is not retried.
 */
export class SourceAnswerError extends CdpError {
  override readonly name = ERROR_NAMES.sourceAnswer;
  constructor(
    /** What is wrong with the answer, as a predicate: `has no records array at "data"`. */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
    /** Where the answer came from; absent only where the answer is read outside a request. */
    readonly origin?: AnswerOrigin,
  ) {
    super(
      origin
        ? `connection "${origin.connectionId}", stream ${origin.source}.${origin.stream}: the answer from ${pathOf(origin.url)} ${problem} (${origin.url}); ${fix}`
        : `the answer ${problem}; ${fix}`,
    );
  }
}

/** A source's spec contradicts itself (a missing parent stream, a path placeholder nothing fills); a code fix is needed. */
export class SourceSpecError extends CdpError {
  override readonly name = ERROR_NAMES.sourceSpec;
  constructor(
    readonly source: string,
    /** The stream at fault; absent for a problem of the source as a whole. */
    readonly stream: string | undefined,
    problem: string,
    /** What to change, and in which file. */
    fix: string,
  ) {
    super(`${source}${stream === undefined ? '' : ` stream ${stream}`}: ${problem}; ${fix}`);
  }
}

/** A stream's saved position does not fit its spec (the spec changed under a running sync); the stream must start afresh. */
export class StreamPositionError extends CdpError {
  override readonly name = ERROR_NAMES.streamPosition;
}

/** A connection's data belongs to another environment than the one configured. */
export class EnvironmentMismatchError extends CdpError {
  override readonly name = ERROR_NAMES.environmentMismatch;
}

/** A worker attached to another lake than the one its sync lands in: every retry on it would split the sync. */
export class LakeMismatchError extends CdpError {
  override readonly name = ERROR_NAMES.lakeMismatch;
}

/** The source gave up building a report, again and again; a later sync asks afresh. */
export class ReportFailedError extends CdpError {
  override readonly name = ERROR_NAMES.reportFailed;
}

/** A built model breaks one of its declared tests (a duplicate key, a NULL where none may be); rebuilding gives the same. */
export class ModelTestFailedError extends CdpError {
  override readonly name = ERROR_NAMES.modelTestFailed;
}

/** The Temporal CLI cannot be found or installed. */
export class TemporalCliUnavailableError extends CdpError {
  override readonly name = ERROR_NAMES.temporalCliUnavailable;
}

/** An installed package cannot serve what cdp needs of it; another version must be pinned. */
export class DependencyError extends CdpError {
  override readonly name = ERROR_NAMES.dependency;
}

/**
 * The data folder cannot take a write: its disk or quota is full, or it is read-only or not the
 * worker's to write. Every retry would fail the same way until a person frees space or fixes the folder.
 */
export class DataFolderError extends CdpError {
  override readonly name = ERROR_NAMES.dataFolder;
  constructor(
    /** The file or folder that could not be written. */
    readonly path: string,
    /** The system's code for it: ENOSPC, EDQUOT, EROFS, EACCES or EPERM. */
    readonly code: string,
    fix: string,
  ) {
    super(`cannot write ${path} (${code}): ${fix}`);
  }
}
