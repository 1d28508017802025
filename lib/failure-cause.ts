// What a failed run says to a person: the innermost cause under Temporal's wrappers, with every
// credential taken out. This module imports nothing, so the CLI's error path stays free of
// Temporal's modules and a workflow could bundle it as it is.

/** The error at the bottom of a `cause` chain (WorkflowFailedError > ActivityFailure > ApplicationFailure), or the error itself. */
export function innermostCause(err: unknown): unknown {
  let inner = err;
  const seen = new Set<unknown>();
  while (typeof inner === 'object' && inner !== null && (inner as { cause?: unknown }).cause !== undefined && !seen.has(inner)) {
    seen.add(inner);
    inner = (inner as { cause?: unknown }).cause;
  }
  return inner;
}

/** Query parameters and headers whose value is a credential: `access_token`, `api_key`, `X-Amz-Signature`, `client_secret`... */
const SECRET_NAME = /token|key|secret|signature|^sig$|password|passwd|auth|credential|session|^code$/i;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const REDACTED = 'REDACTED';

/** A URL with the user and password in front of its host and the value of each secret query parameter replaced. */
function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${REDACTED}@`)
    .replace(/([?&;])([^=&#;\s]*)=([^&#;\s]*)/g, (whole, sep: string, name: string) => (SECRET_NAME.test(decodeURIComponentSafe(name)) ? `${sep}${name}=${REDACTED}` : whole));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The message with credentials taken out: secret query parameters and user information in URLs,
 * bearer and basic tokens, Stripe-style keys, and any of the given secret values wherever they appear.
 */
export function withoutSecrets(message: string, secrets: readonly string[] = []): string {
  let text = message;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) text = text.split(secret).join(REDACTED);
  return text
    .replace(URL_IN_TEXT, redactUrl)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`)
    .replace(/\b((?:sk|rk|pk)_(?:live|test)_)[A-Za-z0-9]{4,}/g, `$1${REDACTED}`);
}
