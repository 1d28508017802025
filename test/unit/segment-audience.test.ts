import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audienceCsv, metaCity, metaCountry, metaName, metaPhone, metaZip, type ExportFormat, type MemberRow } from '../../lib/segments/audience';

// Members as `cdp segment export` reads them from the warehouse: names with commas, quotes,
// apostrophes, a line break and letters outside ASCII; missing values as null.
const MEMBERS: MemberRow[] = [
  {
    customer_id: 'c1',
    name: 'Zoë "Zo" O\'Brien, Jr.',
    first_name: 'Zoë "Zo"',
    last_name: "O'Brien, Jr.",
    email: '  Zoe.OBrien@Example.COM ',
    phone: '+55 (11) 0 98765-4321',
    zip: '01310-100',
    city: 'São Paulo',
    country: 'BR',
    amount_spent: 1234.5,
  },
  {
    customer_id: 'c2',
    name: 'Łukasz Wiśniewski',
    first_name: 'Łukasz',
    last_name: 'Wiśniewski',
    email: 'Lukasz@Example.pl',
    phone: '0048 12 345 67 89',
    zip: '31-000',
    city: 'Kraków',
    country: 'PL',
    amount_spent: 89.99,
  },
  {
    customer_id: 'c3',
    name: 'José de la Cruz',
    first_name: 'José',
    last_name: 'de la Cruz',
    email: 'jose@example.com',
    phone: '(212) 555-0199',
    zip: '10001-1234',
    city: 'New York',
    country: 'us',
    amount_spent: 0,
  },
  { customer_id: 'c4', name: 'Ann\nMarie', first_name: 'Ann\nMarie', last_name: null, email: null, phone: null, zip: ' 94105 ', city: null, country: 'USA', amount_spent: null },
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-segment-audience-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The CSV read back by an independent reader (DuckDB's; csv-parse is not a dependency): every row, empty fields as ''. */
async function readCsvBack(csv: string, format: string): Promise<string[][]> {
  const file = path.join(tmp, `${format}.csv`);
  fs.writeFileSync(file, csv);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(
      `select * from read_csv('${file}', header = false, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true)`,
    );
    return reader.getRowsJS().map((row) => row.map((v) => (v === null ? '' : String(v))));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

interface FormatCase {
  format: ExportFormat;
  csv: string;
  extended?: string[];
}

const FORMATS: FormatCase[] = [
  {
    format: 'basic',
    csv:
      'first_name,last_name,city,zip,country\n' +
      '"Zoë ""Zo""","O\'Brien, Jr.",São Paulo,01310-100,BR\n' +
      'Łukasz,Wiśniewski,Kraków,31-000,PL\n' +
      'José,de la Cruz,New York,10001-1234,us\n' +
      '"Ann\nMarie",,," 94105 ",USA\n',
  },
  {
    format: 'email',
    csv:
      'name,phone,email\n' +
      // A phone that starts with + but is no plain number would run as a formula in a spreadsheet.
      '"Zoë ""Zo"" O\'Brien, Jr.","\'+55 (11) 0 98765-4321","  Zoe.OBrien@Example.COM "\n' +
      'Łukasz Wiśniewski,0048 12 345 67 89,Lukasz@Example.pl\n' +
      'José de la Cruz,(212) 555-0199,jose@example.com\n' +
      '"Ann\nMarie",,\n',
  },
  {
    format: 'facebook',
    csv:
      'email,phone,fn,ln,zip,ct,st,country,value\n' +
      'zoe.obrien@example.com,55110987654321,zoë zo,obrien jr,01310100,sãopaulo,,br,1234.5\n' +
      'lukasz@example.pl,48123456789,łukasz,wiśniewski,31000,kraków,,pl,89.99\n' +
      'jose@example.com,2125550199,josé,de la cruz,10001,newyork,,us,0\n' +
      ',,ann marie,,94105,,,,\n',
  },
  {
    format: 'extended',
    extended: ['customer_id', 'name', 'country'],
    csv: 'customer_id,name,country\n' + 'c1,"Zoë ""Zo"" O\'Brien, Jr.",BR\n' + 'c2,Łukasz Wiśniewski,PL\n' + 'c3,José de la Cruz,us\n' + 'c4,"Ann\nMarie",USA\n',
  },
];

describe('audience CSV formats', () => {
  it.each(FORMATS)('$format: the exact header and rows, quoted where a value needs it', ({ format, csv, extended }) => {
    expect(audienceCsv(format, MEMBERS, extended)).toBe(csv);
  });

  // The formats that write values as they are: a reader must get back exactly what went in, but
  // for the one value that starts with + and is no plain number, which comes back after a '.
  it.each([
    { format: 'basic' as const, columns: ['first_name', 'last_name', 'city', 'zip', 'country'] },
    { format: 'email' as const, columns: ['name', 'phone', 'email'] },
    { format: 'extended' as const, columns: ['customer_id', 'name', 'country'], extended: ['customer_id', 'name', 'country'] },
  ])('$format: a CSV reader gets every value back as it went in', async ({ format, columns, extended }) => {
    const asText = (v: string) => (v.startsWith('+') ? `'${v}` : v);
    const written = [columns, ...MEMBERS.map((m) => columns.map((c) => (m[c] === null ? '' : asText(String(m[c])))))];
    expect(await readCsvBack(audienceCsv(format, MEMBERS, extended), format)).toEqual(written);
  });

  it('facebook: a CSV reader gets the normalized values', async () => {
    expect(await readCsvBack(audienceCsv('facebook', MEMBERS), 'facebook-read')).toEqual([
      ['email', 'phone', 'fn', 'ln', 'zip', 'ct', 'st', 'country', 'value'],
      ['zoe.obrien@example.com', '55110987654321', 'zoë zo', 'obrien jr', '01310100', 'sãopaulo', '', 'br', '1234.5'],
      ['lukasz@example.pl', '48123456789', 'łukasz', 'wiśniewski', '31000', 'kraków', '', 'pl', '89.99'],
      ['jose@example.com', '2125550199', 'josé', 'de la cruz', '10001', 'newyork', '', 'us', '0'],
      ['', '', 'ann marie', '', '94105', '', '', '', ''],
    ]);
  });

  it('extended writes dates as ISO times, lists joined by ;, big integers, booleans and null as empty', () => {
    const member: MemberRow = {
      customer_id: 'c9',
      first_order_at: new Date('2024-03-01T09:30:00Z'),
      unconverted_currencies: ['CHF', 'SEK'],
      orders_count: 3n,
      in_crm: false,
      city: undefined,
      zip: null,
    };
    expect(audienceCsv('extended', [member], ['customer_id', 'first_order_at', 'unconverted_currencies', 'orders_count', 'in_crm', 'city', 'zip'])).toBe(
      'customer_id,first_order_at,unconverted_currencies,orders_count,in_crm,city,zip\nc9,2024-03-01T09:30:00.000Z,CHF;SEK,3,false,,\n',
    );
  });

  it('a segment with no members is the header alone', () => {
    expect(audienceCsv('basic', [])).toBe('first_name,last_name,city,zip,country\n');
    expect(audienceCsv('facebook', [])).toBe('email,phone,fn,ln,zip,ct,st,country,value\n');
  });
});

const NORMALIZE = { name: metaName, phone: metaPhone, zip: metaZip, city: metaCity, country: metaCountry } as const;

// For each value Meta takes: the arguments (a zip also takes its country) and what Meta should get.
const NORMALIZED: Record<keyof typeof NORMALIZE, [unknown[], string][]> = {
  name: [[['  Zoë  "Zo" '], 'zoë zo'], [['JOSÉ'], 'josé'], [['Łukasz'], 'łukasz'], [["D'Angelo-Smith"], 'dangelosmith'], [['Ana María!'], 'ana maría'],
    [['$teve™'], 'teve'], [['李 小龍'], '李 小龍'], [[null], '']],
  phone: [[['+1 (555) 010-0199'], '15550100199'], [['00 44 20 7946 0958'], '442079460958'], [['0048 12 345 67 89'], '48123456789'], [[undefined], '']],
  zip: [[['12345-6789', 'US'], '12345'], [['941051234', 'us'], '94105'], [['SW1A 1AA', 'GB'], 'sw1a1aa'], [[' 1234 AB ', 'NL'], '1234ab'],
    [['10001-1234', 'USA'], '100011234'], [[null, 'US'], '']],
  city: [[['New York'], 'newyork'], [["St. John's"], 'stjohns'], [['Kraków'], 'kraków'], [['Winston-Salem 2'], 'winstonsalem'], [[null], '']],
  country: [[[' US '], 'us'], [['de'], 'de'], [['USA'], ''], [['U.S.'], ''], [['12'], ''], [[null], '']],
};
const CASES = Object.entries(NORMALIZED).flatMap(([kind, cases]) => cases.map(([args, expected]) => [kind as keyof typeof NORMALIZE, args, expected] as const));

describe('Meta customer-list normalization', () => {
  it.each(CASES)('a %s given as %j becomes %j', (kind, args, expected) => {
    const normalize = NORMALIZE[kind] as (...values: unknown[]) => string;
    expect(normalize(...args)).toBe(expected);
  });
});
