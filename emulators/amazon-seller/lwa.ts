import { hashedChars } from './ids.js';

/**
 * The Login with Amazon (LWA) side of the Selling Partner API: `POST /auth/o2/token` exchanges an
 * application's client id and secret and a seller's refresh token for an access token that lives
 * `expires_in` seconds (3,600 at Amazon), and every operation checks the token it is given.
 * Written from the SP-API developer guide ("Step 1. Request a Login with Amazon access token") and
 * LWA's OAuth 2.0 error answers.
 */
export interface LwaApplication {
  /** `amzn1.application-oa2-client.…`, the app's LWA client identifier. */
  clientId: string;
  /** `amzn1.oa2-cs.v1.…`, the app's LWA client secret. */
  clientSecret: string;
  /** `Atzr|…`, the refresh token the seller's authorization of the app gave. */
  refreshToken: string;
}

/** What a token request answers: the documented success body, or an OAuth 2.0 error with its status. */
export type TokenAnswer =
  | { status: 200; body: { access_token: string; token_type: 'bearer'; expires_in: number; refresh_token: string } }
  | { status: 400 | 401; body: { error: string; error_description: string } };

/** Where an access token stands when an operation is called with it. */
export type TokenCheck = { state: 'valid'; grant: string } | { state: 'expired' } | { state: 'unknown' };

export interface LwaStats {
  /** Access tokens issued by the token endpoint (the one minted at start not counted). */
  tokensIssued: number;
  /** Operation requests refused because their token had expired. */
  expiredTokenRefusals: number;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const oauthError = (status: 400 | 401, error: string, description: string): TokenAnswer => ({ status, body: { error, error_description: description } });

/** Issues access tokens for one application and seller, and tells an operation whether a token still holds. */
export class LwaTokenIssuer {
  /** Each issued token's grant (the refresh token it came from) and when it stops working. */
  private readonly tokens = new Map<string, { grant: string; expiresAtMs: number }>();
  private issued = 0;
  private readonly counts: LwaStats = { tokensIssued: 0, expiredTokenRefusals: 0 };

  constructor(
    private readonly seed: number,
    private readonly app: LwaApplication,
    private readonly ttlSeconds: number,
    private readonly nowMs: () => number,
  ) {}

  /** A token issued without a request, as if the seller had just minted it (the emulator's `accessToken`). */
  mint(value?: string): string {
    const token = value ?? this.nextToken();
    this.tokens.set(token, { grant: this.app.refreshToken, expiresAtMs: this.nowMs() + this.ttlSeconds * 1000 });
    return token;
  }

  /** Answers `POST /auth/o2/token` with the form's fields. */
  grant(form: Record<string, unknown>): TokenAnswer {
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const grantType = field('grant_type');
    if (grantType === undefined) return oauthError(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
    // `client_credentials` serves grantless operations only, none of which this emulator has.
    if (grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', `The authorization grant type is not supported by the authorization server : ${grantType}`);
    for (const name of ['refresh_token', 'client_id', 'client_secret']) {
      if (!field(name)) return oauthError(400, 'invalid_request', `The request is missing a required parameter : ${name}`);
    }
    if (field('client_id') !== this.app.clientId || field('client_secret') !== this.app.clientSecret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    if (field('refresh_token') !== this.app.refreshToken) return oauthError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
    this.counts.tokensIssued++;
    const token = this.mint();
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds, refresh_token: this.app.refreshToken } };
  }

  /** Whether an operation may run with `token`: unknown tokens and expired ones are refused apart. */
  check(token: string): TokenCheck {
    const known = this.tokens.get(token);
    if (known === undefined) return { state: 'unknown' };
    if (this.nowMs() >= known.expiresAtMs) {
      this.counts.expiredTokenRefusals++;
      return { state: 'expired' };
    }
    return { state: 'valid', grant: known.grant };
  }

  stats(): LwaStats {
    return { ...this.counts };
  }

  private nextToken(): string {
    return `Atza|IwEB${hashedChars(this.seed, 'lwa-access-token', this.issued++, 96, TOKEN_ALPHABET)}`;
  }
}
