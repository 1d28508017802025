export type StripeErrorType = 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';

/** The body of every Stripe error: `{ error: { type, code?, message, param?, doc_url? } }`. */
export interface StripeErrorBody {
  error: { type: StripeErrorType; code?: string; message: string; param?: string; doc_url?: string };
}

/** An error the emulator answers with, carried to the HTTP layer with its status. */
export class StripeApiError extends Error {
  override readonly name = 'StripeApiError';

  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }

  /** The JSON body Stripe would send. */
  toBody(): StripeErrorBody {
    const error: StripeErrorBody['error'] = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`;
    }
    if (this.param) error.param = this.param;
    return { error };
  }
}

/** 400 for a malformed or out-of-range parameter. */
export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

/** 404 (or 400 for a cursor) when an object id does not exist. */
export function noSuchObject(objectName: string, id: string, param: string, status = 404): StripeApiError {
  return new StripeApiError(status, 'invalid_request_error', `No such ${objectName}: '${id}'`, 'resource_missing', param);
}

/** A server-side failure, as Stripe reports its own outages. */
export function apiError(status: number): StripeApiError {
  return new StripeApiError(status, 'api_error', 'An unknown error occurred. Please try again; if the problem persists, contact support@stripe.com.');
}
