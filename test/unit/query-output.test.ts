import { describe, expect, it } from 'vitest';
import { renderResult } from '../../cli/render/query';
import { formatInZone } from '../../lib/time-format';

describe('query output', () => {
  it('renders an instant in the account time zone, daylight saving included', () => {
    const instant = new Date('2026-07-01T12:00:00Z');
    expect(formatInZone(instant, 'UTC')).toBe('2026-07-01 12:00:00+00:00');
    expect(formatInZone(instant, 'Europe/Berlin')).toBe('2026-07-01 14:00:00+02:00');
    expect(formatInZone(new Date('2026-01-01T03:30:00Z'), 'America/New_York')).toBe('2025-12-31 22:30:00-05:00');
  });

  const result = { columns: ['name', 'total_minor', 'tags'], rows: [{ name: 'Ann, "A"', total_minor: '1200', tags: ['vip'] }, { name: null, total_minor: '5', tags: [] }] };

  it('writes CSV with a header and quoting', () => {
    expect(renderResult(result, 'csv')).toBe('name,total_minor,tags\n"Ann, ""A""",1200,"[""vip""]"\n,5,[]\n');
  });

  it('writes JSON as an array of row objects', () => {
    expect(JSON.parse(renderResult(result, 'json'))).toEqual(result.rows);
  });

  it('writes a table with the row count', () => {
    const table = renderResult(result, 'table');
    expect(table).toContain('total_minor');
    expect(table).toContain('Ann, "A"');
    expect(table.trimEnd().endsWith('(2 rows)')).toBe(true);
  });
});
