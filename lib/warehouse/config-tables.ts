import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { PAYMENT_SOURCES } from '../config-schema';

/**
 * The parts of the config models read, as tables in a `config` schema of the warehouse: the
 * connections and their roles, the account settings, the currency rates and the customer tags.
 * Analysts can read them too, so a number in a mart can be traced to the setting behind it.
 */
export async function createConfigTables(db: DuckDBConnection, config: LoadedConfig): Promise<void> {
  await db.run('CREATE SCHEMA config');
  await db.run(`CREATE TABLE config.connections (
    connection VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, environment VARCHAR NOT NULL,
    is_payment_source BOOLEAN NOT NULL, is_crm BOOLEAN NOT NULL, currency VARCHAR NOT NULL)`);
  for (const c of config.connections) {
    await db.run('INSERT INTO config.connections VALUES ($1, $2, $3, $4, $5, $6)', [
      c.id, c.source, c.environment, PAYMENT_SOURCES.includes(c.source), c.source === 'activecampaign', c.currency ?? config.reporting_currency,
    ]);
  }

  await db.run(`CREATE TABLE config.settings (
    timezone VARCHAR NOT NULL, reporting_currency VARCHAR NOT NULL, customer_definition VARCHAR NOT NULL,
    attribution_lookback_days INTEGER NOT NULL, attribution_half_life_days DOUBLE NOT NULL,
    negative_feedback_max_rating INTEGER NOT NULL, built_at TIMESTAMPTZ NOT NULL)`);
  await db.run('INSERT INTO config.settings VALUES ($1, $2, $3, $4, $5, $6, now())', [
    config.timezone, config.reporting_currency, config.customers.definition, config.attribution.lookback_days, config.attribution.half_life_days,
    config.feedback.negative_max_rating,
  ]);

  // Rates to the reporting currency, which converts to itself at 1.
  await db.run('CREATE TABLE config.currency_rates (currency VARCHAR PRIMARY KEY, rate DECIMAL(18, 8) NOT NULL)');
  const rates = new Map(Object.entries(config.currency_rates));
  rates.set(config.reporting_currency, 1);
  for (const [currency, rate] of rates) await db.run('INSERT INTO config.currency_rates VALUES ($1, $2::DECIMAL(18, 8))', [currency, String(rate)]);

  await db.run('CREATE TABLE config.customer_tags (match VARCHAR NOT NULL, value VARCHAR NOT NULL)');
  for (const value of config.customers.tags_equal) await db.run("INSERT INTO config.customer_tags VALUES ('equals', $1)", [value]);
  for (const value of config.customers.tags_containing) await db.run("INSERT INTO config.customer_tags VALUES ('contains', $1)", [value]);
}
