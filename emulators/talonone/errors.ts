/**
 * Error answers in Talon.One's shapes. Management API errors are `ErrorResponseWithStatus`: a `message`, an
 * optional `errors` array of `{ title, details, source: { parameter | pointer | resource } }` and `StatusCode`.
 * Throttling comes from the edge, which writes `{ StatusCode, Error, RequestUUID }` (the only 429 body Talon.One
 * documents, on its Third-party API).
 */
export class TalonOneApiError extends Error {
  override readonly name = 'TalonOneApiError';

  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`Talon.One ${status}: ${JSON.stringify(body)}`);
  }
}

type Source = { parameter: string } | { pointer: string } | { resource: string };

function withStatus(status: number, message: string, title?: string, details?: string, source?: Source): TalonOneApiError {
  const errors = title === undefined ? undefined : [{ title, ...(details === undefined ? {} : { details }), source: source ?? {} }];
  return new TalonOneApiError(status, { message, ...(errors ? { errors } : {}), StatusCode: status });
}

/** 401 for a missing, malformed or unknown management key. */
export function unauthorized(details: string): TalonOneApiError {
  return withStatus(401, 'Unauthorized', 'Unauthorized', details, { resource: 'Authorization' });
}

/** 403 for a key that is valid but not allowed to reach this Application or loyalty program. */
export function forbidden(details: string): TalonOneApiError {
  return withStatus(403, 'Forbidden', 'Forbidden', details, { resource: 'Authorization' });
}

/** 404 for an Application, campaign, program, profile or session that does not exist. */
export function notFound(what: string): TalonOneApiError {
  return withStatus(404, `${what} not found`, 'Not found', `${what} does not exist in this account.`);
}

/** 400 for a query parameter the API cannot use. */
export function badParameter(parameter: string, details: string): TalonOneApiError {
  return withStatus(400, 'Invalid request parameters', 'Invalid value', details, { parameter });
}

/** 400 for a `POST /_emulator/mutate` body the emulator cannot use. */
export function badBody(pointer: string, details: string): TalonOneApiError {
  return withStatus(400, 'The submitted data was invalid', 'Invalid value', details, { pointer });
}

/** 429 from the edge when an endpoint gets more than its requests per second. */
export function tooManyRequests(requestUuid: string): TalonOneApiError {
  return new TalonOneApiError(429, { StatusCode: 429, Error: 'Too many requests', RequestUUID: requestUuid });
}

/** Any error thrown while answering, as the answer Talon.One would give: its own, a 4xx Fastify raised, or a 500. */
export function asTalonOneError(error: unknown): TalonOneApiError {
  if (error instanceof TalonOneApiError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return withStatus(status, (error as Error).message);
  return serverError(500);
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** A server-side failure. */
export function serverError(status: number): TalonOneApiError {
  return withStatus(status, STATUS_TEXT[status] ?? 'Internal Server Error');
}
