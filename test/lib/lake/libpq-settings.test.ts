import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors';
import { parseLibpqSettings } from '../../../lib/lake/libpq-settings';

// Cases from libpq's documentation of keyword/value connection strings (section 34.1.1.1).

describe('libpq key=value settings', () => {
  it('reads pairs separated by white space, with spaces around the equal sign', () => {
    expect(parseLibpqSettings('host=localhost port=5432 dbname=mydb connect_timeout=10')).toEqual({ host: 'localhost', port: '5432', dbname: 'mydb', connect_timeout: '10' });
    expect(parseLibpqSettings('  host = db.internal\tuser=cdp  ')).toEqual({ host: 'db.internal', user: 'cdp' });
  });

  it('reads quoted values with spaces, escaped quotes and backslashes, and empty ones', () => {
    expect(parseLibpqSettings(String.raw`dbname='my db' options='-c geqo=off' application_name='it\'s' user=a\\b host=''`)).toEqual({
      dbname: 'my db',
      options: '-c geqo=off',
      application_name: "it's",
      user: 'a\\b',
      host: '',
    });
  });

  it('keeps the last of a repeated setting, as libpq does', () => {
    expect(parseLibpqSettings('dbname=a dbname=b')).toEqual({ dbname: 'b' });
  });

  it('refuses a setting without a value or an unclosed quote, naming the setting', () => {
    expect(() => parseLibpqSettings('host')).toThrow(ConfigError);
    expect(() => parseLibpqSettings('host')).toThrow(/host needs "="/);
    expect(() => parseLibpqSettings("dbname='cdp")).toThrow(/dbname has no closing quote/);
    expect(() => parseLibpqSettings('=x')).toThrow(/expected a setting name at character 1/);
  });
});
