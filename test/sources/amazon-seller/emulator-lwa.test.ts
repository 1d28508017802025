import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AMAZON_SELLER_LWA, startAmazonSellerEmulator, type AmazonSellerEmulator } from '../../../emulators/amazon-seller';
import { handClock, ordersPath, spGet, type ErrorList } from './emulator-http';

// Login with Amazon as the SP-API developer guide describes it: a form-encoded POST of
// grant_type=refresh_token with the app's client id and secret gives a bearer access token that
// works for `expires_in` seconds; an operation called with it afterwards is refused with 403
// Unauthorized, whose details say the token expired.

const EXPIRED = { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'The access token you provided has expired.' }] };

let em: AmazonSellerEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});


function requestToken(e: AmazonSellerEmulator, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded;charset=UTF-8') {
  return fetch(e.tokenUrl, { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(fields).toString() });
}

const refreshGrant = { grant_type: 'refresh_token', refresh_token: DEFAULT_AMAZON_SELLER_LWA.refreshToken, client_id: DEFAULT_AMAZON_SELLER_LWA.clientId, client_secret: DEFAULT_AMAZON_SELLER_LWA.clientSecret };

describe('Amazon emulator Login with Amazon tokens', () => {
  it('exchanges the refresh token for a bearer access token of 3,600 seconds, answered with no-store', async () => {
    em = await startAmazonSellerEmulator({ seed: 3, scale: 0.02 });
    const answer = await requestToken(em, refreshGrant);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^Atza\|/), token_type: 'bearer', expires_in: 3600, refresh_token: DEFAULT_AMAZON_SELLER_LWA.refreshToken });
    const orders = await spGet(em, ordersPath(em, { CreatedAfter: '2020-01-01T00:00:00Z' }), body.access_token as string);
    expect(orders.status).toBe(200);
  });

  it('refuses a wrong secret, refresh token or grant type with the OAuth 2.0 error LWA answers', async () => {
    em = await startAmazonSellerEmulator({ seed: 3, scale: 0.02 });
    const cases: [Record<string, string>, number, string][] = [
      [{ ...refreshGrant, client_secret: 'amzn1.oa2-cs.v1.wrong' }, 401, 'invalid_client'],
      [{ ...refreshGrant, refresh_token: 'Atzr|revoked' }, 400, 'invalid_grant'],
      [{ ...refreshGrant, grant_type: 'authorization_code' }, 400, 'unsupported_grant_type'],
      [{ grant_type: 'refresh_token', client_id: refreshGrant.client_id, client_secret: refreshGrant.client_secret }, 400, 'invalid_request'],
    ];
    for (const [fields, status, error] of cases) {
      const answer = await requestToken(em, fields);
      expect(answer.status, error).toBe(status);
      expect(await answer.json(), error).toEqual({ error, error_description: expect.any(String) });
    }
    expect(em.stats().tokensIssued).toBe(0);
  });

  it("answers a token past its expires_in with Amazon's 403 saying it expired, and a fresh token works again", async () => {
    const clock = handClock(Date.parse('2031-03-01T00:00:00Z'));
    em = await startAmazonSellerEmulator({ seed: 3, scale: 0.02, accessTokenTtlSeconds: 60, now: clock.now });
    const path = ordersPath(em, { CreatedAfter: '2020-01-01T00:00:00Z' });
    const { access_token: token } = (await (await requestToken(em, refreshGrant)).json()) as { access_token: string };
    clock.advance(59);
    expect((await spGet(em, path, token)).status).toBe(200);
    clock.advance(1);
    const expired = await spGet<ErrorList>(em, path, token);
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual(EXPIRED);
    // The token minted at start is just as mortal.
    expect((await spGet<ErrorList>(em, path)).body).toEqual(EXPIRED);
    const { access_token: fresh } = (await (await requestToken(em, refreshGrant)).json()) as { access_token: string };
    expect(fresh).not.toBe(token);
    expect((await spGet(em, path, fresh)).status).toBe(200);
    expect(em.stats()).toMatchObject({ tokensIssued: 2, expiredTokenRefusals: 2 });
  });
});
