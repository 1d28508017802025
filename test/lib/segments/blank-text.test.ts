import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { compileSegment } from '../../../lib/segments/compile';
import { validateDefinition } from '../../../lib/segments/definition';

// A field holding only white space of any kind is empty for is_empty and is_not_empty, the same
// characters a rule's value may not consist of. DuckDB's trim drops only spaces, so a first name
// that is a tab or a no-break space would otherwise count as a name.

const FIRST_NAMES: [string, string | null][] = [
  ['null', null],
  ['empty', ''],
  ['spaces', '   '],
  ['tab', '\t'],
  ['newline', '\r\n'],
  ['no-break-space', '\u00a0'],
  ['ideographic-space', '\u3000'],
  ['zero-width-space', '\u200b'],
  ['byte-order-mark', '\ufeff'],
  ['next-line', '\u0085'],
  ['ann', 'Ann'],
  ['padded', ' \tBo\u00a0'],
];
const BLANK = ['null', 'empty', 'spaces', 'tab', 'newline', 'no-break-space', 'ideographic-space', 'zero-width-space', 'byte-order-mark', 'next-line'];

async function members(op: 'is_empty' | 'is_not_empty'): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`create schema core; create schema marts;
      create table core.customers (customer_id varchar, environment varchar, first_name varchar);
      create table marts.customer_metrics (customer_id varchar)`);
    for (const [id, name] of FIRST_NAMES) {
      await db.run('insert into core.customers values (?, ?, ?)', [id, 'live', name] as never);
      await db.run('insert into marts.customer_metrics values (?)', [id]);
    }
    const definition = validateDefinition({ name: 'x', rules: { field: 'first_name', op } }, 'test.yaml');
    const { sql, params } = compileSegment(definition, { now: new Date('2026-01-01T00:00:00Z'), timezone: 'UTC' });
    return (await db.runAndReadAll(sql, params)).getRowObjectsJS().map((r) => String(r.customer_id)).sort();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('blank text in the data', () => {
  it('is_empty holds for NULL and for text of only white space, of any kind', async () => {
    expect(await members('is_empty')).toEqual([...BLANK].sort());
  });

  it('is_not_empty holds for everyone else', async () => {
    expect(await members('is_not_empty')).toEqual(['ann', 'padded']);
  });
});
