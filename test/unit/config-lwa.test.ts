import { describe, expect, it } from 'vitest';
import { findConnection, parseConfig } from '../../lib/config';

// An Amazon seller connection signs in with Login with Amazon: the config names the three variables
// holding the client id, client secret and refresh token, never the values; every other source takes
// its one key in credential_env.

const amazon = (credential: string) => `
connections:
  - id: marketplace
    source: amazon_seller
    environment: live
    base_url: https://sellingpartnerapi-na.amazon.com
    path_params: { marketplaceId: ATVPDKIKX0DER }
${credential}`;

const lwa = `    lwa:
      client_id_env: AMAZON_LWA_CLIENT_ID
      client_secret_env: AMAZON_LWA_CLIENT_SECRET
      refresh_token_env: AMAZON_LWA_REFRESH_TOKEN
`;

describe('Amazon seller connection credentials', () => {
  it("names the three variables and takes LWA's token endpoint by default", () => {
    const connection = findConnection(parseConfig(amazon(lwa), 'c.yaml'), 'marketplace');
    expect(connection.lwa).toEqual({
      client_id_env: 'AMAZON_LWA_CLIENT_ID',
      client_secret_env: 'AMAZON_LWA_CLIENT_SECRET',
      refresh_token_env: 'AMAZON_LWA_REFRESH_TOKEN',
      token_url: 'https://api.amazon.com/auth/o2/token',
    });
    expect(connection.credential_env).toBeUndefined();
  });

  it('takes another token endpoint, as a URL', () => {
    const connection = findConnection(parseConfig(amazon(`${lwa}      token_url: http://127.0.0.1:12117/auth/o2/token\n`), 'c.yaml'), 'marketplace');
    expect(connection.lwa?.token_url).toBe('http://127.0.0.1:12117/auth/o2/token');
    expect(() => parseConfig(amazon(`${lwa}      token_url: api.amazon.com\n`), 'c.yaml')).toThrow(/connections\[0\]\.lwa\.token_url/);
  });

  it('says what to change in a config that still names an access token in credential_env', () => {
    expect(() => parseConfig(amazon('    credential_env: CDP_AMAZON_TOKEN\n'), 'c.yaml')).toThrow(
      /c\.yaml: connections\[0\]\.lwa: .*access token in credential_env expires within the hour; replace credential_env with lwa: \{ client_id_env, client_secret_env, refresh_token_env \}/,
    );
    expect(() => parseConfig(amazon(''), 'c.yaml')).toThrow(/connections\[0\]\.lwa: amazon_seller connections sign in with Login with Amazon.*Set lwa: \{ client_id_env/);
    expect(() => parseConfig(amazon(`    credential_env: CDP_AMAZON_TOKEN\n${lwa}`), 'c.yaml')).toThrow(/connections\[0\]\.credential_env: .*remove credential_env/);
  });

  it('names secrets by variable only: a value where a variable name goes is refused', () => {
    expect(() => parseConfig(amazon(lwa.replace('AMAZON_LWA_REFRESH_TOKEN', "'Atzr|IwEBIabc'")), 'c.yaml')).toThrow(/connections\[0\]\.lwa\.refresh_token_env: an environment variable name/);
  });

  it('keeps credential_env for every other source, and refuses lwa there', () => {
    const stripe = (credential: string) => `
connections:
  - id: stripe-live
    source: stripe
    environment: live
    base_url: https://api.stripe.com
${credential}`;
    expect(findConnection(parseConfig(stripe('    credential_env: STRIPE_API_KEY\n'), 'c.yaml'), 'stripe-live').credential_env).toBe('STRIPE_API_KEY');
    expect(() => parseConfig(stripe(''), 'c.yaml')).toThrow(/connections\[0\]\.credential_env: a stripe connection needs credential_env/);
    expect(() => parseConfig(stripe(`    credential_env: STRIPE_API_KEY\n${lwa}`), 'c.yaml')).toThrow(/connections\[0\]\.lwa: .*amazon_seller connections only/);
  });
});
