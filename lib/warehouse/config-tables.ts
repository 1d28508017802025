import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { PAYMENT_SOURCES } from '../config-schema';

/** The tables createConfigTables makes, with the build's own record (build-inputs.ts). */
export const CONFIG_TABLES = ['config.connections', 'config.settings', 'config.currency_rates', 'config.customer_tags', 'config.build_inputs'];

/** What the config tables hold, but the build's time: equal values give equal tables. */
export interface ConfigRows {
  connections: [string, string, string, boolean, boolean, string][];
  settings: [string, string, string, number, number, number];
  rates: [string, string][];
  tags: [string, string][];
}

/** The parts of the config the models read, as the rows of the `config` tables. */
export function configRows(config: LoadedConfig): ConfigRows {
  // Rates to the reporting currency, which converts to itself at 1.
  const rates = new Map(Object.entries(config.currency_rates).map(([currency, rate]) => [currency, String(rate)]));
  rates.set(config.reporting_currency, '1');
  return {
    connections: config.connections.map((c) => [
      c.id, c.source, c.environment, PAYMENT_SOURCES.includes(c.source), c.source === 'activecampaign', c.currency ?? config.reporting_currency,
    ]),
    settings: [
      config.timezone, config.reporting_currency, config.customers.definition, config.attribution.lookback_days, config.attribution.half_life_days,
      config.feedback.negative_max_rating,
    ],
    rates: [...rates],
    tags: [...config.customers.tags_equal.map((v) => ['equals', v] as [string, string]), ...config.customers.tags_containing.map((v) => ['contains', v] as [string, string])],
  };
}

/**
 * The parts of the config models read, as tables in a `config` schema of the warehouse: the
 * connections and their roles, the account settings with the time the build computes "as of"
 * (`built_at`), the currency rates and the customer tags. Analysts can read them too, so a number in
 * a mart can be traced to the setting behind it. Replaces the tables when they are there.
 */
export async function createConfigTables(db: DuckDBConnection, rows: ConfigRows, builtAt: Date): Promise<void> {
  await db.run('CREATE SCHEMA IF NOT EXISTS config');
  await db.run(`CREATE OR REPLACE TABLE config.connections (
    connection VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, environment VARCHAR NOT NULL,
    is_payment_source BOOLEAN NOT NULL, is_crm BOOLEAN NOT NULL, currency VARCHAR NOT NULL)`);
  for (const c of rows.connections) await db.run('INSERT INTO config.connections VALUES ($1, $2, $3, $4, $5, $6)', c);

  await db.run(`CREATE OR REPLACE TABLE config.settings (
    timezone VARCHAR NOT NULL, reporting_currency VARCHAR NOT NULL, customer_definition VARCHAR NOT NULL,
    attribution_lookback_days INTEGER NOT NULL, attribution_half_life_days DOUBLE NOT NULL,
    negative_feedback_max_rating INTEGER NOT NULL, built_at TIMESTAMPTZ NOT NULL)`);
  await db.run('INSERT INTO config.settings VALUES ($1, $2, $3, $4, $5, $6, make_timestamptz($7::BIGINT * 1000))', [...rows.settings, builtAt.getTime()]);

  await db.run('CREATE OR REPLACE TABLE config.currency_rates (currency VARCHAR PRIMARY KEY, rate DECIMAL(18, 8) NOT NULL)');
  for (const [currency, rate] of rows.rates) await db.run('INSERT INTO config.currency_rates VALUES ($1, $2::DECIMAL(18, 8))', [currency, rate]);

  await db.run('CREATE OR REPLACE TABLE config.customer_tags (match VARCHAR NOT NULL, value VARCHAR NOT NULL)');
  for (const [match, value] of rows.tags) await db.run('INSERT INTO config.customer_tags VALUES ($1, $2)', [match, value]);
}
