import { ConfigError } from '../../lib/errors';
import { getFromSource, type SourceRequest } from './pager';
import { readPath } from './read-path';
import { connectionUrl } from './request-url';

/** What the source says about the connection's account. */
export interface AccountFacts {
  timeZone?: string;
  currency?: string;
}

// An account's zone and currency do not change under a running worker: asked once per connection and URL.
const known = new Map<string, AccountFacts>();

const validZone = (tz: unknown): tz is string => {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Reads the account's time zone and currency (see `SourceSpec.accountFacts`) and fails before
 * anything lands when the connection configures another currency than the account keeps.
 */
export async function readAccountFacts(req: SourceRequest): Promise<AccountFacts> {
  const spec = req.source.accountFacts;
  if (!spec) return {};
  const { connection } = req;
  const url = connectionUrl(connection, spec.path, {}, `connection "${connection.id}"`);
  for (const [k, v] of Object.entries(spec.params ?? {})) url.searchParams.set(k, v);
  const key = `${connection.id}|${url.href}`;
  const cached = known.get(key);
  const facts = cached ?? (await ask(req, url, spec));
  if (connection.currency !== undefined && facts.currency !== undefined && facts.currency !== connection.currency) {
    throw new ConfigError(
      `connection "${connection.id}" says its currency is ${connection.currency}, but the ${spec.subject} keeps ${facts.currency}; ` +
        `set the connection's currency to ${facts.currency} or remove it`,
    );
  }
  known.set(key, facts);
  return facts;
}

async function ask(req: SourceRequest, url: URL, spec: NonNullable<SourceRequest['source']['accountFacts']>): Promise<AccountFacts> {
  const body = await getFromSource(req, url);
  const zone = readPath(body, spec.timeZoneField);
  const currency = readPath(body, spec.currencyField);
  return {
    ...(validZone(zone) ? { timeZone: zone } : {}),
    ...(typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? { currency: currency.toUpperCase() } : {}),
  };
}
