import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { SourceAuthError, SourceUnavailableError } from '../../lib/errors';

/** What a Login with Amazon token exchange needs; the secrets are values read from the environment by the caller. */
export interface LwaGrant {
  connectionId: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The variables they came from, named when LWA refuses them. */
  env: { clientId: string; clientSecret: string; refreshToken: string };
}

/** A token is renewed this long before it expires (Amazon's own client libraries keep a minute)... */
const RENEW_BEFORE_EXPIRY_MS = 60_000;
/** ...or, for a token that lives less than two minutes, halfway through its life. */
const RENEW_AT_LIFE_FRACTION = 0.5;

// The success body the SP-API developer guide documents; `refresh_token` echoes the one sent.
const tokenAnswerSchema = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.number().positive() });
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Access tokens of one Login with Amazon grant: minted at the token endpoint from the client id,
 * client secret and refresh token (`grant_type=refresh_token`, form-encoded), kept until shortly
 * before `expires_in` runs out, then minted afresh. Requests that arrive while a token is being
 * minted wait for that one, so one expiry costs one exchange.
 */
export class LwaAccessTokens {
  private cached: { token: string; renewAtMs: number } | undefined;
  private minting: Promise<string> | undefined;

  constructor(
    private readonly grant: LwaGrant,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A token to sign the next request with. */
  async token(): Promise<string> {
    if (this.cached && this.nowMs() < this.cached.renewAtMs) return this.cached.token;
    this.minting ??= this.mint().finally(() => {
      this.minting = undefined;
    });
    return this.minting;
  }

  /** The API refused `token` as expired (a clock apart from Amazon's, say): the next `token()` mints a new one. */
  expired(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async mint(): Promise<string> {
    const { grant } = this;
    // Errors name the endpoint only: the form carries the secrets.
    const where = `${new URL(grant.tokenUrl).origin}${new URL(grant.tokenUrl).pathname}`;
    const attempt = async (): Promise<string> => {
      const askedAtMs = this.nowMs();
      let response: Response;
      try {
        response = await fetch(grant.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: grant.clientId, client_secret: grant.clientSecret }).toString(),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new SourceUnavailableError(grant.connectionId, where, undefined, `Login with Amazon did not answer: ${(err as Error).message}`);
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (response.ok) {
        const parsed = tokenAnswerSchema.safeParse(body);
        if (!parsed.success) throw new SourceUnavailableError(grant.connectionId, where, response.status, 'Login with Amazon answered without an access_token and expires_in');
        const lifetimeMs = parsed.data.expires_in * 1000;
        this.cached = { token: parsed.data.access_token, renewAtMs: askedAtMs + lifetimeMs - Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs * RENEW_AT_LIFE_FRACTION) };
        return parsed.data.access_token;
      }
      const refusal = oauthErrorSchema.safeParse(body);
      const detail = refusal.success ? [refusal.data.error, refusal.data.error_description].filter(Boolean).join(': ') : `HTTP ${response.status}`;
      if (response.status >= 500 || response.status === 429) throw new SourceUnavailableError(grant.connectionId, where, response.status, `Login with Amazon: ${detail}`);
      // invalid_client is the app's id or secret; anything else (invalid_grant above all) the seller's refresh token.
      const envVars = refusal.success && refusal.data.error === 'invalid_client' ? `${grant.env.clientId} and ${grant.env.clientSecret}` : grant.env.refreshToken;
      throw new AbortError(new SourceAuthError(grant.connectionId, where, response.status, `Login with Amazon: ${detail}`, envVars));
    };
    return pRetry(attempt, { retries: 3, minTimeout: 500, maxTimeout: 5_000, shouldRetry: ({ error }) => error instanceof SourceUnavailableError });
  }
}
