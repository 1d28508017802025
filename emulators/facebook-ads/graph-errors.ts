import { hash32 } from '../world/prng.js';

/** The body every Graph API error has: `{ error: { message, type, code, error_subcode?, fbtrace_id, ... } }`. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
    fbtrace_id: string;
  };
}

/** An error the emulator answers with; `fbtrace_id` is filled in per request by the server. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';

  constructor(
    readonly status: number,
    readonly fields: Omit<GraphErrorBody['error'], 'fbtrace_id'>,
    readonly headers: Record<string, string> = {},
  ) {
    super(fields.message);
  }

  /** The JSON body, with the request's trace id. */
  toBody(fbtraceId: string): GraphErrorBody {
    return { error: { ...this.fields, fbtrace_id: fbtraceId } };
  }
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic `fbtrace_id`-looking string for the n-th request. */
export function fbtraceId(seed: number, n: number): string {
  let out = 'A';
  let h = hash32(seed, n);
  for (let i = 0; i < 22; i++) {
    out += ALNUM[h % 62];
    h = i % 4 === 3 ? hash32(h, n + i) : Math.floor(h / 62);
  }
  return out;
}

/** No token at all. */
export function missingToken(): GraphApiError {
  return new GraphApiError(400, { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104 });
}

/** A token the platform does not recognise: code 190 with HTTP 400 and the OAuth `WWW-Authenticate` challenge. */
export function invalidToken(): GraphApiError {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return new GraphApiError(400, { message, type: 'OAuthException', code: 190 }, { 'WWW-Authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` });
}

/**
 * The throttling codes the Graph and Marketing APIs answer with; all come back as HTTP 400, never 429
 * (https://developers.facebook.com/docs/graph-api/overview/rate-limiting, .../marketing-apis/rate-limiting):
 * 4 the app's limit, 17 the user's (or the ad account's), 32 a Page's, 613 a custom limit, 80000 the ads_insights use case.
 */
export type ThrottleCode = 4 | 17 | 32 | 613 | 80000;
export const THROTTLE_CODES: readonly ThrottleCode[] = [4, 17, 32, 613, 80000];

/** Rate limiting as the Marketing API reports it. */
export function throttled(code: ThrottleCode): GraphApiError {
  const transient = { type: 'OAuthException', is_transient: true } as const;
  switch (code) {
    case 4:
      return new GraphApiError(400, { ...transient, message: '(#4) Application request limit reached', code: 4 });
    case 17:
      return new GraphApiError(400, {
        ...transient, message: '(#17) User request limit reached', code: 17, error_subcode: 2446079,
        error_user_title: 'Ad Account Has Too Many API Calls', error_user_msg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
      });
    case 32:
      return new GraphApiError(400, { ...transient, message: '(#32) Page request limit reached', code: 32 });
    case 613:
      return new GraphApiError(400, { ...transient, message: '(#613) Calls to this api have exceeded the rate limit.', code: 613, error_subcode: 1487742 });
    case 80000:
      return new GraphApiError(400, {
        ...transient,
        message: '(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
        code: 80000, error_subcode: 2446079,
      });
  }
}

/** `(#100)` for a parameter the API cannot use. */
export function invalidParameter(message: string): GraphApiError {
  return new GraphApiError(400, { message: `(#100) ${message}`, type: 'OAuthException', code: 100 });
}

/** An ad account id this token cannot see. */
export function unknownObject(id: string): GraphApiError {
  return new GraphApiError(400, {
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException', code: 100, error_subcode: 33,
  });
}

/** A path the Graph API does not have. */
export function unknownPath(path: string): GraphApiError {
  return new GraphApiError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 });
}

/** Server-side failures: 500 is the unknown error (code 1), 502/503 the transient "service unavailable" (code 2). */
export function serverFailure(status: number): GraphApiError {
  if (status === 500) return new GraphApiError(500, { message: 'An unknown error occurred', type: 'OAuthException', is_transient: true, code: 1, error_subcode: 99 });
  return new GraphApiError(status, { message: '(#2) Service temporarily unavailable', type: 'OAuthException', is_transient: true, code: 2 });
}

/** Error 3018: insights reach back 37 months from the account's today and no further. */
export function rangeTooOld(): GraphApiError {
  return new GraphApiError(400, {
    message: '(#3018) The start date of the time range cannot be beyond 37 months from the current date',
    type: 'OAuthException', code: 3018,
  });
}
