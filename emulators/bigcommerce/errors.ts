const V3_ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/** An error answer; v2 and v3 write their bodies differently, so the API version decides the shape. */
export class BigCommerceError extends Error {
  override readonly name = 'BigCommerceError';

  constructor(
    readonly status: number,
    message: string,
    /** v3 only: the offending fields and what is wrong with them. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }

  /** v2: `[{ status, message }]`; v3: `{ status, title, type, errors }`. */
  body(version: 'v2' | 'v3'): unknown {
    if (version === 'v2') return [{ status: this.status, message: this.message }];
    return { status: this.status, title: this.message, type: V3_ERROR_TYPE, errors: this.fields };
  }
}

/** The API version a path belongs to (v3 when unsure, since v3 is the newer default). */
export function versionOf(url: string): 'v2' | 'v3' {
  return /^\/stores\/[^/]+\/v2(\/|$|\?)/.test(url) ? 'v2' : 'v3';
}

/** 400 (v2) or 422 (v3) for a query parameter BigCommerce would reject. */
export function invalidParam(version: 'v2' | 'v3', param: string, detail: string): BigCommerceError {
  return version === 'v2'
    ? new BigCommerceError(400, `The field '${param}' is invalid. ${detail}`)
    : new BigCommerceError(422, 'The request is not valid.', { [param]: detail });
}

/** 404 for an unknown store, order or path. */
export function notFound(): BigCommerceError {
  return new BigCommerceError(404, 'The requested resource was not found.');
}

/** A server-side failure, as BigCommerce reports its own outages. */
export function serverError(status: number): BigCommerceError {
  const text: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return new BigCommerceError(status, text[status] ?? 'Internal Server Error');
}
