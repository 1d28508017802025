import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConnection, loadConfig, parseConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { PROJECT_ROOT } from '../../lib/paths';

const valid = `
connections:
  - id: stripe-live
    source: stripe
    environment: live
    base_url: https://api.stripe.com
    credential_env: STRIPE_API_KEY
`;

describe('connections config', () => {
  it('the demo config that ships with cdp is valid', () => {
    const config = loadConfig(path.join(PROJECT_ROOT, 'cdp.config.yaml'));
    expect(config.connections.map((c) => c.source)).toContain('stripe');
    expect(config.layout.warehouse).toBe(path.join(PROJECT_ROOT, 'data', 'warehouse.duckdb'));
  });

  it('resolves data_dir against the config file and fills defaults', () => {
    const config = parseConfig(valid, '/etc/cdp/prod.yaml');
    expect(config.layout.raw).toBe('/etc/cdp/data/raw');
    expect(config.timezone).toBe('UTC');
    expect(findConnection(config, 'stripe-live').environment).toBe('live');
  });

  it('names the file, the field path and what was expected', () => {
    const bad = valid.replace('environment: live', 'environment: production').replace('STRIPE_API_KEY', 'stripe key');
    let error: unknown;
    try {
      parseConfig(bad, 'cdp.config.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/cdp\.config\.yaml: connections\[0\]\.environment: .*"live".*"sandbox"/);
    expect(message).toMatch(/cdp\.config\.yaml: connections\[0\]\.credential_env: an environment variable name/);
  });

  it('rejects unknown keys, duplicate ids and unknown sources', () => {
    expect(() => parseConfig(`${valid}    api_key: sk_test_123\n`, 'c.yaml')).toThrow(/connections\[0\]: Unrecognized key: "api_key"/);
    expect(() => parseConfig(`${valid}${valid.replace('connections:\n', '')}`, 'c.yaml')).toThrow(/connections\[1\]\.id: duplicate connection id "stripe-live"/);
    expect(() => parseConfig(valid.replace('source: stripe', 'source: paypal'), 'c.yaml')).toThrow(/connections\[0\]\.source/);
  });

  it("a connection may name the currency its source's amounts are in, as an ISO code", () => {
    expect(findConnection(parseConfig(`${valid}    currency: eur\n`, 'c.yaml'), 'stripe-live').currency).toBe('EUR');
    expect(findConnection(parseConfig(valid, 'c.yaml'), 'stripe-live').currency).toBeUndefined();
    expect(() => parseConfig(`${valid}    currency: euro\n`, 'c.yaml')).toThrow(/connections\[0\]\.currency: a three-letter ISO 4217 currency code/);
  });

  it('says which connections exist when one is unknown', () => {
    expect(() => findConnection(parseConfig(valid, 'c.yaml'), 'nope')).toThrow(/no connection "nope" \(known: stripe-live\)/);
  });

  it('reports a missing file and broken YAML by name', () => {
    expect(() => loadConfig('/nonexistent/cdp.yaml')).toThrow(/\/nonexistent\/cdp\.yaml not found/);
    expect(() => parseConfig('connections: [', 'broken.yaml')).toThrow(/broken\.yaml: not valid YAML/);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'cdp.config.yaml'))).toBe(true);
  });
});
