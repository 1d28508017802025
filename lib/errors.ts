/** Base class for errors cdp expects and can explain in one line. */
export class CdpError extends Error {
  override readonly name: string = 'CdpError';
}

/** A configuration file, flag or definition is invalid; retrying cannot help. */
export class ConfigError extends CdpError {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A connection's credential is missing from the worker's environment. */
export class CredentialMissingError extends CdpError {
  override readonly name = 'CredentialMissingError';
  constructor(
    readonly connectionId: string,
    readonly envVar: string,
  ) {
    super(
      `connection "${connectionId}" needs its credential in the environment variable ${envVar}, which is not set in the worker's environment; export it before starting the worker`,
    );
  }
}

/** The source rejected the credential (401/403); retrying cannot help. */
export class SourceAuthError extends CdpError {
  override readonly name = 'SourceAuthError';
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number,
    detail: string,
    readonly credentialEnv?: string,
  ) {
    super(
      `credentials for ${connectionId} were rejected (HTTP ${status} at ${url}: ${detail}): ` +
        `update ${credentialEnv ?? 'its credential'} and run \`cdp sync ${connectionId}\``,
    );
  }
}

/** The source answered with an error that a retry may fix (429, 5xx, network). */
export class SourceUnavailableError extends CdpError {
  override readonly name = 'SourceUnavailableError';
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
  override readonly name = 'SourceRequestError';
  constructor(
    readonly connectionId: string,
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`connection "${connectionId}": HTTP ${status} from ${url}: ${detail}`);
  }
}

/** A connection's data belongs to another environment than the one configured. */
export class EnvironmentMismatchError extends CdpError {
  override readonly name = 'EnvironmentMismatchError';
}

/** The source gave up building a report, again and again; a later sync asks afresh. */
export class ReportFailedError extends CdpError {
  override readonly name = 'ReportFailedError';
}

export { NON_RETRYABLE_ERROR_NAMES } from './errors-names';
