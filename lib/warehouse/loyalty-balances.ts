import type { DuckDBConnection } from '@duckdb/node-api';
import { ledgerStanding, type PointsEntry } from '../loyalty/points-ledger';
import type { ComputedModel } from './model-files';

/** How far ahead `points_expiring_30d` looks from the build. */
export const EXPIRING_WINDOW_MS = 30 * 86_400_000;

// The ledger entries of every profile, oldest first, in whole hundredths of a point.
const ENTRIES_SQL = `
select
    environment, loyalty_program_id, integration_id, subledger_id, transaction_id, transaction_type,
    (points * 100)::bigint as hundredths,
    epoch_ms(created_at) as created_ms,
    epoch_ms(starts_at) as starts_ms,
    epoch_ms(expires_at) as expires_ms,
    takes_back_transaction_id
from core.loyalty_transactions
where integration_id is not null
order by environment, loyalty_program_id, integration_id, subledger_id, transaction_id`;

const asNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Every ledger's standing as of the build, replayed from its entries: the balances Talon.One
 * answers are only re-read for profiles with a new entry, so a profile whose points became active
 * or expired since is only right when worked out from the ledger at build time.
 */
async function buildLoyaltyBalances(db: DuckDBConnection): Promise<void> {
  const builtAtMs = Number((await db.runAndReadAll('select epoch_ms(built_at) as ms from config.settings')).getRowObjectsJS()[0]!.ms);
  const ledgers = new Map<string, { key: [string, number, string, string]; entries: PointsEntry[] }>();
  for (const r of (await db.runAndReadAll(ENTRIES_SQL)).getRowObjectsJS()) {
    const key: [string, number, string, string] = [String(r.environment), Number(r.loyalty_program_id), String(r.integration_id), String(r.subledger_id)];
    // Every profile with an entry has a main ledger, even when all its entries are in subledgers.
    const main = JSON.stringify([...key.slice(0, 3), '']);
    if (!ledgers.has(main)) ledgers.set(main, { key: [key[0], key[1], key[2], ''], entries: [] });
    const id = JSON.stringify(key);
    const ledger = ledgers.get(id) ?? { key, entries: [] };
    ledgers.set(id, ledger);
    ledger.entries.push({
      id: Number(r.transaction_id),
      type: r.transaction_type === 'subtraction' ? 'subtraction' : 'addition',
      hundredths: Number(r.hundredths),
      createdMs: Number(r.created_ms),
      startsMs: asNumber(r.starts_ms),
      expiresMs: asNumber(r.expires_ms),
      takesBackId: asNumber(r.takes_back_transaction_id),
    });
  }

  await db.run(`CREATE TEMP TABLE ledger_standings (
    environment VARCHAR, loyalty_program_id BIGINT, integration_id VARCHAR, subledger_id VARCHAR,
    active BIGINT, pending BIGINT, spent BIGINT, expired BIGINT, negative BIGINT, expiring BIGINT)`);
  const appender = await db.createAppender('ledger_standings', 'main', 'temp');
  try {
    for (const { key, entries } of ledgers.values()) {
      const s = ledgerStanding(entries, builtAtMs, EXPIRING_WINDOW_MS);
      appender.appendVarchar(key[0]);
      appender.appendBigInt(BigInt(key[1]));
      appender.appendVarchar(key[2]);
      appender.appendVarchar(key[3]);
      for (const n of [s.active, s.pending, s.spent, s.expired, s.negative, s.expiringSoon]) appender.appendBigInt(BigInt(n));
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }

  await db.run(`CREATE TABLE core.loyalty_balances AS
    with profiles as (
        select environment, loyalty_program_id, integration_id, min(customer_id) as customer_id, min(connection) as connection, any_value(program_name) as program_name
        from core.loyalty_transactions
        group by all
    )
    select
        profiles.customer_id,
        standings.environment,
        profiles.connection,
        standings.loyalty_program_id,
        profiles.program_name,
        standings.integration_id,
        standings.subledger_id,
        standings.subledger_id = '' as is_main_ledger,
        (standings.active::decimal(18, 2) / 100)::decimal(18, 2) as active_points,
        (standings.pending::decimal(18, 2) / 100)::decimal(18, 2) as pending_points,
        (standings.spent::decimal(18, 2) / 100)::decimal(18, 2) as spent_points,
        (standings.expired::decimal(18, 2) / 100)::decimal(18, 2) as expired_points,
        (standings.negative::decimal(18, 2) / 100)::decimal(18, 2) as negative_points,
        (standings.expiring::decimal(18, 2) / 100)::decimal(18, 2) as points_expiring_30d,
        (select built_at from config.settings) as balance_at
    from temp.ledger_standings as standings
    join profiles using (environment, loyalty_program_id, integration_id)
    order by standings.environment, standings.loyalty_program_id, standings.integration_id, standings.subledger_id`);
  await db.run('DROP TABLE temp.ledger_standings');
}

/** `core.loyalty_balances`, computed in code: a ledger replay is a loop over time, not a query. */
export function loyaltyBalancesModel(): ComputedModel {
  return {
    layer: 'core',
    name: 'loyalty_balances',
    computedIn: 'lib/warehouse/loyalty-balances.ts',
    dependsOn: ['core.loyalty_transactions'],
    compute: buildLoyaltyBalances,
    readsBuildTime: true,
  };
}
