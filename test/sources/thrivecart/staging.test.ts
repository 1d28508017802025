import { describe, expect, it } from 'vitest';
import { buildExamplesBeforeAll } from '../../support/example-staging';
import { syncTwiceAndBuildBeforeAll } from '../../support/synced-staging';
import { getJson } from '../../support/staging-values';

// The staging model against the account emulator after two historical syncs of the `cart`
// connection, and against the official example response of the API reference.

describe('ThriveCart staging', () => {
  const staged = syncTwiceAndBuildBeforeAll(['cart']);
  const { sql } = staged;

  it('keeps exact values of individual transactions', async () => {
    const { transactions } = await getJson<{ transactions: { event_id: string; timestamp: number; transaction_type: string; amount: number; currency: string; customer: { email: string } }[] }>(
      `${staged.emulators.thrivecart.apiBaseUrl}/transactions?page=1&perPage=5&transactionType=any`,
      { authorization: `Bearer ${staged.emulators.env.CDP_T_TC!}` },
    );
    expect(transactions).toHaveLength(5);
    for (const t of transactions) {
      const rows = await sql(`select transaction_type, amount_minor::int as amount, currency, customer_email, epoch_ms(occurred_at)::varchar as occurred_ms
        from staging.stg_thrivecart__transactions where transaction_id = ${Number(t.event_id)}`);
      expect(rows).toEqual([
        { transaction_type: t.transaction_type, amount: t.amount, currency: t.currency.toUpperCase(), customer_email: t.customer.email.trim().toLowerCase(), occurred_ms: String(t.timestamp * 1000) },
      ]);
    }
  });

  it('sums amounts per transaction type and currency to the account ground truth', async () => {
    const truth = staged.emulators.thrivecart.truth().streams.transactions;
    const rows = await sql(`select transaction_type, lower(currency) as currency, sum(amount_minor)::varchar as n, count(*)::int as events
      from staging.stg_thrivecart__transactions group by all`);
    const sums: Record<string, Record<string, number>> = Object.fromEntries(Object.keys(truth.amount_sum_by_type).map((type) => [type, {}]));
    const counts: Record<string, number> = Object.fromEntries(Object.keys(truth.count_by_type).map((type) => [type, 0]));
    for (const r of rows) {
      (sums[String(r.transaction_type)] ??= {})[String(r.currency)] = Number(r.n);
      counts[String(r.transaction_type)] = (counts[String(r.transaction_type)] ?? 0) + Number(r.events);
    }
    expect(sums).toEqual(truth.amount_sum_by_type);
    expect(counts).toEqual(truth.count_by_type);
  });
});

describe('the staging models over the official example responses', () => {
  const examples = buildExamplesBeforeAll('thrivecart');

  it('ThriveCart: unix seconds become UTC instants and amounts stay minor units', async () => {
    // transactions.json: event 446660, "timestamp": 1605459703 ("2020-11-15 17:01:43"), "amount": 10000.
    expect(await examples.one(`select amount_minor::int as amount, currency, transaction_type, customer_email, strftime(occurred_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as occurred
      from staging.stg_thrivecart__transactions where transaction_id = 446660`)).toEqual({
      amount: 10000,
      currency: 'USD',
      transaction_type: 'rebill',
      customer_email: 'demo@thrivecart.com',
      occurred: '2020-11-15T17:01:43Z',
    });
  });
});
