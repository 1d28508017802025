/**
 * Error answers in the Selling Partner API's shape: `{"errors": [{"code", "message", "details"}]}`, the ErrorList
 * every operation's model declares.
 */
export class SpApiError extends Error {
  override readonly name = 'SpApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details = '',
  ) {
    super(message);
  }

  /** The JSON body the API sends. */
  body(): { errors: { code: string; message: string; details: string }[] } {
    return { errors: [{ code: this.code, message: this.message, details: this.details }] };
  }
}

/** Why an `x-amz-access-token` was refused, in the words of the 403's `details`. */
const UNAUTHORIZED_DETAILS = {
  missing: 'Access token is missing in the request header.',
  unknown: 'The access token you provided is revoked, malformed or invalid.',
  expired: 'The access token you provided has expired.',
} as const;

/** 403 for a missing, unknown or expired `x-amz-access-token`: one code and message, the reason in `details`. */
export function unauthorized(reason: keyof typeof UNAUTHORIZED_DETAILS): SpApiError {
  return new SpApiError(403, 'Unauthorized', 'Access to requested resource is denied.', UNAUTHORIZED_DETAILS[reason]);
}

/** 400 for a parameter or body the operation cannot use. */
export function invalidInput(message: string, details = ''): SpApiError {
  return new SpApiError(400, 'InvalidInput', message, details);
}

/** 404 for an order, report or document the seller does not have. */
export function notFound(message: string): SpApiError {
  return new SpApiError(404, 'NotFound', message);
}

/** 429 when the operation's token bucket is empty. */
export function quotaExceeded(): SpApiError {
  return new SpApiError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
}

const SERVER_ERRORS: Readonly<Record<number, [string, string]>> = {
  500: ['InternalFailure', 'We encountered an internal error. Please try again.'],
  502: ['InternalFailure', 'We encountered an internal error. Please try again.'],
  503: ['ServiceUnavailable', 'Service temporarily unavailable. Please try again.'],
};

/** A server-side failure, injected or real. */
export function serverError(status: number): SpApiError {
  const [code, message] = SERVER_ERRORS[status] ?? SERVER_ERRORS[500]!;
  return new SpApiError(status, code, message);
}

/** Any error thrown while answering, as the API would answer it: its own, a 4xx Fastify raised (bad JSON), or a 500. */
export function asSpApiError(error: unknown): SpApiError {
  if (error instanceof SpApiError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new SpApiError(status, 'InvalidInput', (error as Error).message);
  return serverError(500);
}
