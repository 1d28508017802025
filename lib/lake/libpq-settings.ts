import { ConfigError } from '../errors';

// libpq's key=value connection settings (`host=db.internal port=5432 dbname='cdp lake'`), the form
// `storage.catalog` takes after its `postgres:` prefix: pairs separated by white space, a value
// quoted with single quotes when it holds spaces, backslash escaping a quote or a backslash.

/** The settings of a libpq key=value string, by key; the last of a repeated key wins, as in libpq. */
export function parseLibpqSettings(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (skipSpace(); i < text.length; skipSpace()) {
    const key = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
    if (!key) throw new ConfigError(`storage: catalog: expected a setting name at character ${i + 1} of the postgres: settings`);
    i += key.length;
    skipSpace();
    if (text[i] !== '=') throw new ConfigError(`storage: catalog: the setting ${key} needs "=" and a value`);
    i++;
    skipSpace();
    let value = '';
    const quoted = text[i] === "'";
    if (quoted) i++;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quoted ? c === "'" : /\s/.test(c)) break;
      if (c === '\\' && i + 1 < text.length) i++;
      value += text[i];
    }
    if (quoted) {
      if (text[i] !== "'") throw new ConfigError(`storage: catalog: the quoted value of ${key} has no closing quote`);
      i++;
    }
    settings[key] = value;
  }
  return settings;
}
