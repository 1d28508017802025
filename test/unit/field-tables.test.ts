import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnSources, FIELD_TABLES_FILE, payloadPath, renderFieldTables } from '../../scripts/field-tables';

describe('the staging field tables', () => {
  it('read JSON paths out of payload expressions', () => {
    expect(payloadPath("payload->'address'->>'postal_code'")).toBe('address.postal_code');
    expect(payloadPath("payload->'items'->'data'->0->'price'->>'id'")).toBe('items.data[0].price.id');
  });

  it('map each selected column to the fields it reads', () => {
    const sql = "with source as (select 1),\n\nrenamed as (\n    select\n        environment,\n        coalesce(payload->'customer'->>'id', payload->>'customer') as customer_id,\n        upper(payload->>'currency') as currency\n    from source\n)\n\nselect * from renamed";
    expect(columnSources(sql).map((c) => [c.column, c.fields])).toEqual([
      ['environment', []],
      ['customer_id', ['customer.id', 'customer']],
      ['currency', ['currency']],
    ]);
  });

  it('map columns read from the parsed payload struct to their JSON paths', () => {
    const sql = [
      "with source as (select *, json_transform(payload, '{}') as p from raw),",
      'dates as (select *, p."startDate" as start_text from source),',
      'renamed as (',
      '    select',
      '        coalesce(p.customer->>\'id\', p.customer->>\'$\') as customer_id,',
      '        p.items.data[1].price."unitAmount" as unit_amount,',
      "        case when start_text = 'immediate' then p.created::timestamptz else start_text::timestamptz end as starts_at,",
      '        upper(p.currency) as currency',
      '    from dates',
      ')',
    ].join('\n');
    expect(columnSources(sql).map((c) => [c.column, c.fields])).toEqual([
      ['customer_id', ['customer.id', 'customer']],
      ['unit_amount', ['items.data[0].price.unitAmount']],
      ['starts_at', ['created', 'startDate']],
      ['currency', ['currency']],
    ]);
  });

  it('docs/fields.md is what the models say today (run `npx tsx scripts/field-tables.ts` after changing a model)', () => {
    expect(fs.readFileSync(FIELD_TABLES_FILE, 'utf8')).toBe(renderFieldTables());
  });
});
