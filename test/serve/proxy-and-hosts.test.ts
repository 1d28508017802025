import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { rawCall } from './raw-http';
import { addUsers, PASSWORD, serveWorkspace, type ServedWorkspace } from './support';

// `cdp serve` behind a TLS proxy: only the configured proxy's X-Forwarded-* headers count, so the
// session cookie is `Secure` when that proxy says the browser used HTTPS, and nobody else can claim
// it; and a request for a host name the app does not answer to is refused before anything runs.

const USER = 'user@example.com';
const PROXY = '127.0.0.1';
const ELSEWHERE = '127.0.0.2';
const log: string[] = [];
let served: ServedWorkspace;

beforeAll(async () => {
  served = await serveWorkspace({
    config: { serve: { trusted_proxies: [PROXY], allowed_hosts: ['cdp.example.com'] } },
    eventLog: (line) => log.push(line),
    prepare: (config) => addUsers(config, [{ email: USER }]),
  });
});

afterAll(async () => {
  await served?.close();
});

const signIn = (headers: Record<string, string>, localAddress: string) =>
  rawCall(served.server.url, '/api/session', { method: 'POST', body: { email: USER, password: PASSWORD }, headers, localAddress });

describe('behind a trusted TLS proxy', () => {
  it('marks the session cookie Secure when the trusted proxy forwards an HTTPS request', async () => {
    const answer = await signIn({ host: 'cdp.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }, PROXY);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    // The throttle and the log count the browser's address the proxy names, not the proxy's.
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ client: '203.0.113.7', outcome: 'success' });
  });

  it('ignores X-Forwarded-Proto and X-Forwarded-For from any other address', async () => {
    const answer = await signIn({ host: 'cdp.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }, ELSEWHERE);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toMatch(/^cdp_session=/);
    expect(answer.headers.get('set-cookie')).not.toMatch(/Secure/i);
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ client: ELSEWHERE });
  });

  it('sets no Secure flag for plain HTTP through the proxy', async () => {
    const answer = await signIn({ host: 'cdp.example.com', 'x-forwarded-proto': 'http' }, PROXY);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });

  it('accepts the page from the proxy as its own origin, and makes invitation links with the forwarded scheme and host', async () => {
    const headers = { host: 'cdp.example.com', 'x-forwarded-proto': 'https', origin: 'https://cdp.example.com' };
    expect((await signIn({ ...headers, origin: 'https://evil.example' }, PROXY)).status).toBe(403);
    const session = await signIn(headers, PROXY);
    expect(session.status).toBe(200);
    // The only user is an admin (the first one always is), who gets a link when sharing with a new email.
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const shared = await rawCall(served.server.url, '/api/segments/customers/grants', {
      method: 'POST',
      headers: { ...headers, cookie, 'x-csrf-token': String(session.body.csrfToken) },
      body: { email: 'new.person@example.com', read: true },
      localAddress: PROXY,
    });
    expect(shared.status).toBe(201);
    expect(String(shared.body.invitation)).toMatch(/^https:\/\/cdp\.example\.com\/#\/invite\/[A-Za-z0-9_-]{43}$/);
  });
});

describe('host names', () => {
  it('refuses a request whose Host is not allowed, with a plain message', async () => {
    for (const [method, path] of [['GET', '/'], ['POST', '/api/session'], ['GET', '/api/segments']] as const) {
      const answer = await rawCall(served.server.url, path, { method, headers: { host: 'evil.example' }, body: method === 'POST' ? { email: USER, password: PASSWORD } : undefined });
      expect(answer.status, `${method} ${path}`).toBe(421);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.text).toBe('this server does not answer to that host name\n');
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
  });

  it('believes X-Forwarded-Host only from the trusted proxy', async () => {
    expect((await signIn({ host: 'cdp.example.com', 'x-forwarded-host': 'evil.example' }, PROXY)).status).toBe(421);
    expect((await signIn({ host: 'cdp.example.com', 'x-forwarded-host': 'evil.example' }, ELSEWHERE)).status).toBe(200);
  });

  it('answers to the configured name, localhost, 127.0.0.1 and the address it listens on, with any port', async () => {
    const port = new URL(served.server.url).port;
    for (const host of ['cdp.example.com', 'CDP.example.com:443', `localhost:${port}`, `127.0.0.1:${port}`, '[::1]:8780']) {
      expect((await rawCall(served.server.url, '/', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a serve section that names no address or a host with a scheme, naming the setting', () => {
    const wrong = (serve: object) => () => parseConfig(JSON.stringify({ serve }), '/x/cdp.config.yaml');
    expect(wrong({ trusted_proxies: ['proxy.internal'] })).toThrow(ConfigError);
    expect(wrong({ trusted_proxies: ['10.0.0.0/33'] })).toThrow(/serve\.trusted_proxies\[0\]: an IP address or CIDR range/);
    expect(wrong({ allowed_hosts: ['https://cdp.example.com'] })).toThrow(/serve\.allowed_hosts\[0\]: a host name without scheme or port/);
    expect(parseConfig(JSON.stringify({ serve: { trusted_proxies: ['10.0.0.0/8', '::1'], allowed_hosts: ['cdp.example.com'] } }), '/x/cdp.config.yaml').serve).toEqual({
      trusted_proxies: ['10.0.0.0/8', '::1'],
      allowed_hosts: ['cdp.example.com'],
    });
  });
});
