import { createHash } from 'node:crypto';
import type { ConnectionConfig } from '../../lib/config-schema';
import { CredentialMissingError } from '../../lib/errors';
import { LwaAccessTokens } from './lwa-access-tokens';

/**
 * What signs a connection's requests: its key as the environment holds it, or a source of access
 * tokens minted from longer-lived secrets and renewed as they expire (Login with Amazon). Resolved
 * inside the activity, from the worker's environment; never passed through a workflow.
 */
export type Credential = string | LwaAccessTokens;

/** The variables a connection's credential is read from, in the order a missing one is reported. */
function envVarsOf(connection: ConnectionConfig): string[] {
  if (connection.lwa) return [connection.lwa.client_id_env, connection.lwa.client_secret_env, connection.lwa.refresh_token_env];
  // The config schema requires one or the other; a connection built in code without either is a bug.
  if (!connection.credential_env) throw new Error(`connection "${connection.id}" names neither credential_env nor lwa`);
  return [connection.credential_env];
}

/** The variable named when the source rejects the credential: the key's, or the refresh token's. */
export function credentialEnvOf(connection: ConnectionConfig): string | undefined {
  return connection.lwa?.refresh_token_env ?? connection.credential_env;
}

/** Fails, naming the variable, when the worker's environment lacks any part of the connection's credential. */
export function requireCredential(connection: ConnectionConfig): void {
  for (const name of envVarsOf(connection)) {
    if (!process.env[name]) throw new CredentialMissingError(connection.id, name);
  }
}

// One token source per connection and secrets in this worker, so every activity shares its tokens.
const tokenSources = new Map<string, LwaAccessTokens>();

/** The connection's credential, read from the environment now. */
export function connectionCredential(connection: ConnectionConfig): Credential {
  requireCredential(connection);
  const { lwa } = connection;
  if (!lwa) return process.env[connection.credential_env!]!;
  const grant = {
    connectionId: connection.id,
    tokenUrl: lwa.token_url,
    clientId: process.env[lwa.client_id_env]!,
    clientSecret: process.env[lwa.client_secret_env]!,
    refreshToken: process.env[lwa.refresh_token_env]!,
    env: { clientId: lwa.client_id_env, clientSecret: lwa.client_secret_env, refreshToken: lwa.refresh_token_env },
  };
  // Keyed by a digest, so a rotated secret gets its own tokens and no secret sits in a key.
  const key = createHash('sha256').update(JSON.stringify([grant.connectionId, grant.tokenUrl, grant.clientId, grant.clientSecret, grant.refreshToken])).digest('hex');
  let tokens = tokenSources.get(key);
  if (!tokens) {
    tokens = new LwaAccessTokens(grant);
    tokenSources.set(key, tokens);
  }
  return tokens;
}

/** The secret to sign one request with. */
export async function signingSecret(credential: Credential): Promise<string> {
  return typeof credential === 'string' ? credential : credential.token();
}
