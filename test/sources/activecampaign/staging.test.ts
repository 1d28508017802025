import { describe, expect, it } from 'vitest';
import { buildExamplesBeforeAll } from '../../support/example-staging';
import { syncTwiceAndBuildBeforeAll } from '../../support/synced-staging';
import { asRecord, getJson } from '../../support/staging-values';

// The staging models against the account emulator after two historical syncs of the `crm`
// connection, and against the official example responses of the API reference.

describe('ActiveCampaign staging', () => {
  const staged = syncTwiceAndBuildBeforeAll(['crm']);
  const { sql } = staged;
  const ac = () => ({ base: `${staged.emulators.activecampaign.url}/api/3`, headers: { 'api-token': staged.emulators.env.CDP_T_AC! } });

  it('keeps exact values of individual contacts, times moved from the account offset to UTC', async () => {
    const { base, headers } = ac();
    const { contacts } = await getJson<{ contacts: { id: string; email: string; cdate: string; udate: string }[] }>(`${base}/contacts?limit=5`, headers);
    expect(contacts).toHaveLength(5);
    for (const contact of contacts) {
      expect(contact.cdate).toMatch(/T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      const rows = await sql(`select email_raw, email, epoch_ms(created_at)::varchar as created_ms, epoch_ms(updated_at)::varchar as updated_ms
        from staging.stg_activecampaign__contacts where contact_id = ${Number(contact.id)}`);
      expect(rows).toEqual([
        { email_raw: contact.email, email: contact.email.trim().toLowerCase(), created_ms: String(Date.parse(contact.cdate)), updated_ms: String(Date.parse(contact.udate)) },
      ]);
    }
  });

  it('normalizes contact emails as the account ground truth counts them', async () => {
    const { people } = staged.emulators.activecampaign.truth();
    const [row] = await sql(`select count(distinct email)::int as distinct_emails, count(*) filter (where email <> email_raw)::int as unnormalized
      from staging.stg_activecampaign__contacts`);
    expect(row).toEqual({ distinct_emails: people.distinct_normalized_contact_emails, unnormalized: people.contacts_with_unnormalized_email });
  });

  it('sums Deep Data orders per currency and state to the account ground truth', async () => {
    const { ecom } = staged.emulators.activecampaign.truth();
    const totals = asRecord(await sql('select lower(currency) as key, sum(total_minor)::varchar as n from staging.stg_activecampaign__ecom_orders group by 1'));
    expect(totals).toEqual(ecom.order_total_by_currency);
    const completed = asRecord(await sql(`select lower(currency) as key, sum(total_minor)::varchar as n from staging.stg_activecampaign__ecom_orders
      where source_status = '1' group by 1`));
    expect(completed).toEqual(ecom.completed_total_by_currency);
    expect(asRecord(await sql('select source_status as key, count(*)::int as n from staging.stg_activecampaign__ecom_orders group by 1'))).toEqual(ecom.orders_by_state);
  });

  it('links tags and custom field values to their tags and fields as the account does', async () => {
    const truth = staged.emulators.activecampaign.truth();
    const byTag = asRecord(await sql(`select t.tag_name as key, count(ct.contact_tag_id)::int as n from staging.stg_activecampaign__tags t
      left join staging.stg_activecampaign__contact_tags ct using (environment, connection, tag_id) group by 1`));
    expect(byTag).toEqual(truth.tags.contacts_by_tag);
    const byField = asRecord(await sql(`select f.title as key, count(v.field_value_id)::int as n from staging.stg_activecampaign__fields f
      left join staging.stg_activecampaign__field_values v using (environment, connection, field_id) group by 1`));
    expect(byField).toEqual(truth.fields.values_by_field);
  });
});

describe('the staging models over the official example responses', () => {
  const examples = buildExamplesBeforeAll('activecampaign');

  it('ActiveCampaign: offsets become UTC, cents arrive as strings or numbers, emails are normalized', async () => {
    // contacts.json: "cdate": "2017-07-24T12:09:52-05:00".
    expect(await examples.one(`select strftime(created_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as created, email from staging.stg_activecampaign__contacts where contact_id = 1`)).toEqual({
      created: '2017-07-24T17:09:52Z',
      email: 'johndoe@example.com',
    });
    // ecom_orders.json holds two versions of order 1 ("1000" as a string, then 9111 as a number); the later one wins.
    expect(await examples.one('select total_minor::int as total, currency from staging.stg_activecampaign__ecom_orders')).toEqual({ total: 9111, currency: 'USD' });
    expect(await examples.one('select price_minor::int as price, currency from staging.stg_activecampaign__ecom_order_products')).toEqual({ price: 5000, currency: 'USD' });
    expect(await examples.one(`select contact_id::int as contact_id, tag_id::int as tag_id, strftime(tagged_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as tagged from staging.stg_activecampaign__contact_tags`)).toEqual({
      contact_id: 1,
      tag_id: 20,
      tagged: '2017-06-08T21:11:53Z',
    });
  });
});
