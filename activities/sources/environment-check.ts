import type { Environment } from '../../lib/config-schema';
import { EnvironmentMismatchError } from '../../lib/errors';
import { getFromSource, type SourceRequest } from './pager';
import { connectionUrl, fillPlaceholders } from './request-url';
import { readPath } from './read-path';

// The environment of an account does not change under a running worker: one answer per connection,
// URL and configured environment is enough, and a retried batch does not ask again.
const confirmed = new Set<string>();

/**
 * Asks the source which environment the connection's data is in, where its records do not say
 * (see `SourceSpec.environmentCheck`), and fails before anything lands when it is not the configured one.
 */
export async function checkEnvironment(req: SourceRequest): Promise<void> {
  const check = req.source.environmentCheck;
  if (!check) return;
  const { connection } = req;
  const where = `connection "${connection.id}"`;
  const unsigned = connectionUrl(connection, check.path, {}, where);
  const key = `${connection.id}|${unsigned.href}|${connection.environment}`;
  if (confirmed.has(key)) return;

  const body = await getFromSource(req, unsigned);
  const actual: Environment = readPath(body, check.field) === check.sandboxValue ? 'sandbox' : 'live';
  if (actual !== connection.environment) {
    const subject = fillPlaceholders(check.subject, connection.path_params ?? {}, where, false);
    throw new EnvironmentMismatchError(
      `connection "${connection.id}" is ${connection.environment} but ${subject} is a ${actual} ${check.kind}; ` +
        `point the connection at a ${connection.environment} ${check.kind} or set its environment to ${actual}`,
    );
  }
  confirmed.add(key);
}
