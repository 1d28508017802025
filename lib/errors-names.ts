// Kept apart from errors.ts so workflow code can import it without pulling in classes it does not need.

/** Error names that a Temporal retry cannot fix; activities fail fast on them. */
export const NON_RETRYABLE_ERROR_NAMES = [
  'ConfigError',
  'CredentialMissingError',
  'SourceAuthError',
  'SourceRequestError',
  'EnvironmentMismatchError',
  'ReportFailedError',
];
