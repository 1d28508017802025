/** An error the emulator answers with, carried to the HTTP layer with its status and exact body. */
export class AcApiError extends Error {
  override readonly name = 'AcApiError';

  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'application/json; charset=utf-8',
    readonly headers: Record<string, string> = {},
  ) {
    super(`ActiveCampaign ${status}: ${body}`);
  }
}

/** 403 for a missing or unknown Api-Token: v3 answers authentication failures with 403, not 401. */
export function forbidden(): AcApiError {
  return new AcApiError(403, JSON.stringify({ message: 'Forbidden' }));
}

/**
 * 429 once the account is over its requests a second: the seconds to pause in Retry-After, and the
 * rate-limit headers ActiveCampaign's Rate Limits page documents, `RateLimit-Limit` (the account's
 * requests a second) and `RateLimit-Remaining` (none left).
 */
export function tooManyRequests(retryAfterSeconds: number, limitPerSecond: number): AcApiError {
  return new AcApiError(429, JSON.stringify({ message: 'Too Many Requests' }), undefined, {
    'Retry-After': String(retryAfterSeconds),
    'RateLimit-Limit': String(limitPerSecond),
    'RateLimit-Remaining': '0',
  });
}

/** 404 for an id that does not exist, in the `No Result found for <Model> with id N` form. */
export function noResult(model: string, id: string): AcApiError {
  return new AcApiError(404, JSON.stringify({ message: `No Result found for ${model} with id ${id}` }));
}

/** 404 for a path the API does not have. */
export function notFound(): AcApiError {
  return new AcApiError(404, JSON.stringify({ message: 'Not Found' }));
}

/** 400 for a filter value the API cannot read, in the JSON:API-like `errors` form v3 uses for validation. */
export function badFilter(param: string, detail: string): AcApiError {
  return new AcApiError(400, JSON.stringify({ errors: [{ status: 400, title: 'Bad Request', detail, source: { parameter: param } }] }));
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** A server-side failure as the edge in front of the API reports it: an HTML page, not JSON. */
export function serverError(status: number): AcApiError {
  const text = STATUS_TEXT[status] ?? 'Server Error';
  return new AcApiError(status, `<html><head><title>${status} ${text}</title></head><body><h1>${status} ${text}</h1></body></html>`, 'text/html; charset=utf-8');
}

/** 400 for a request body the API cannot use, pointing at the member that is wrong. */
export function badBody(pointer: string, detail: string): AcApiError {
  return new AcApiError(400, JSON.stringify({ errors: [{ status: 400, title: 'Bad Request', detail, source: { pointer } }] }));
}
