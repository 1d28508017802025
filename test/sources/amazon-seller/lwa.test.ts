import { afterEach, describe, expect, it } from 'vitest';
import { amazonSellerSource } from '../../../activities/sources/amazon-seller/spec';
import { LwaAccessTokens, type LwaGrant } from '../../../activities/sources/lwa-access-tokens';
import { getFromSource } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { ConnectionConfig } from '../../../lib/config-schema';
import { SourceAuthError } from '../../../lib/errors';
import { startAmazonSellerEmulator, type AmazonSellerEmulator } from '../../../emulators/amazon-seller';
import { handClock } from './emulator-http';

// The connector's Login with Amazon client against the emulator's token endpoint, both on one clock
// the test moves: a token is kept while it holds, renewed in its last minute before Amazon would
// refuse it, and a token refused as expired is minted afresh once, never more.

let em: AmazonSellerEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});


const grantOf = (e: AmazonSellerEmulator, overrides: Partial<LwaGrant> = {}): LwaGrant => ({
  connectionId: 'marketplace',
  tokenUrl: e.tokenUrl,
  clientId: e.lwa.clientId,
  clientSecret: e.lwa.clientSecret,
  refreshToken: e.lwa.refreshToken,
  env: { clientId: 'LWA_CLIENT_ID', clientSecret: 'LWA_CLIENT_SECRET', refreshToken: 'LWA_REFRESH_TOKEN' },
  ...overrides,
});

const connectionOf = (e: AmazonSellerEmulator): ConnectionConfig => ({
  id: 'marketplace',
  source: 'amazon_seller',
  environment: 'live',
  base_url: e.url,
  lwa: { client_id_env: 'LWA_CLIENT_ID', client_secret_env: 'LWA_CLIENT_SECRET', refresh_token_env: 'LWA_REFRESH_TOKEN', token_url: e.tokenUrl },
  path_params: { marketplaceId: e.marketplaceId },
});

describe("the connector's Login with Amazon access tokens", () => {
  it('keeps one token for most of its hour and renews it in the last minute, while Amazon still takes the old one', async () => {
    const clock = handClock(Date.parse('2031-03-01T00:00:00Z'));
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.02, now: clock.now });
    const tokens = new LwaAccessTokens(grantOf(em), clock.now);
    const first = await tokens.token();
    clock.advance(3600 - 61);
    expect(await tokens.token()).toBe(first);
    expect(em.stats().tokensIssued).toBe(1);
    clock.advance(2);
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(em.stats().tokensIssued).toBe(2);
    // The old token had a minute left: the renewal came before any refusal.
    const orders = `${em.url}/orders/v0/orders?MarketplaceIds=${em.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z`;
    expect((await fetch(orders, { headers: { 'x-amz-access-token': first } })).status).toBe(200);
    expect(em.stats().expiredTokenRefusals).toBe(0);
  });

  it('asks once for requests that need a token at the same moment', async () => {
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.02 });
    const tokens = new LwaAccessTokens(grantOf(em));
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(em.stats().tokensIssued).toBe(1);
  });

  it('names the variables to fix when LWA refuses the secret or the refresh token, and never their values', async () => {
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.02 });
    const secret = 'amzn1.oa2-cs.v1.not-the-secret';
    const badSecret = await new LwaAccessTokens(grantOf(em, { clientSecret: secret })).token().catch((e: unknown) => e);
    expect(badSecret).toBeInstanceOf(SourceAuthError);
    expect((badSecret as Error).message).toMatch(/HTTP 401 .*invalid_client.*update LWA_CLIENT_ID and LWA_CLIENT_SECRET/);
    expect((badSecret as Error).message).not.toContain(secret);
    const revoked = 'Atzr|revoked-refresh-token';
    const badGrant = await new LwaAccessTokens(grantOf(em, { refreshToken: revoked })).token().catch((e: unknown) => e);
    expect((badGrant as Error).message).toMatch(/HTTP 400 .*invalid_grant.*update LWA_REFRESH_TOKEN/);
    expect((badGrant as Error).message).not.toContain(revoked);
  });

  it('sends a request again with a fresh token after a 403 that says the token expired, once only', async () => {
    // Each look at the emulator's clock moves it on 40 minutes: a token works for one request, then expires.
    let nowMs = Date.parse('2031-03-01T00:00:00Z');
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.02, rateScale: 0, now: () => (nowMs += 40 * 60_000) });
    const tokens = new LwaAccessTokens(grantOf(em));
    const req = { source: amazonSellerSource, connection: connectionOf(em), credential: tokens, limiter: new RateLimiter(100) };
    const orders = new URL(`${em.url}/orders/v0/orders?MarketplaceIds=${em.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z`);
    // The token minted for the first request was checked 40 minutes after it was issued.
    await expect(getFromSource(req, orders)).resolves.toMatchObject({ payload: { Orders: expect.any(Array) } });
    // The cached token is now 80 minutes old: refused as expired, renewed once, and the retry goes through.
    await expect(getFromSource(req, orders)).resolves.toMatchObject({ payload: { Orders: expect.any(Array) } });
    expect(em.stats()).toMatchObject({ tokensIssued: 2, expiredTokenRefusals: 1 });

    // Tokens that are expired by the time they arrive: one renewal, then the refusal stands.
    await em.close();
    nowMs = Date.parse('2031-03-01T00:00:00Z');
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.02, rateScale: 0, now: () => (nowMs += 2 * 3600_000) });
    const stale = { ...req, connection: connectionOf(em), credential: new LwaAccessTokens(grantOf(em)) };
    const refused = await getFromSource(stale, new URL(`${em.url}${orders.pathname}${orders.search}`)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceAuthError);
    expect((refused as SourceAuthError).tokenExpired).toBe(true);
    expect((refused as Error).message).toMatch(/HTTP 403 .*Unauthorized: Access to requested resource is denied\.: The access token you provided has expired\./);
    expect(em.stats()).toMatchObject({ tokensIssued: 2, expiredTokenRefusals: 2 });
  });
});
