import type { DuckDBConnection } from '@duckdb/node-api';
import { FLOAT, markovAttribution, type PathCount } from '../../lib/attribution/markov';
import type { ModelFile } from './model-files';

// Tables the build computes in code, between SQL models, where SQL is the wrong tool.

/**
 * The people's paths for each conversion kind: every converting path (a conversion's touches in its
 * lookback) and every non-converting one (the touches of a person without such a conversion, in the
 * lookback before their last touch), grouped by path.
 */
const PATHS_SQL = `
with settings as (select attribution_lookback_days as lookback from config.settings),
converting as (
    select environment, kind, list(channel order by position) as channels
    from attribution.conversion_touches
    where touchpoint_id not like 'none:%'
    group by environment, kind, conversion_id
),
kinds as (select unnest(['lead', 'customer', 'order']) as kind),
last_touch as (
    select customer_id, max(touched_at) as last_at from attribution.touches group by customer_id
),
not_converting as (
    select t.environment, k.kind, list(t.channel order by t.touched_at, t.touchpoint_id) as channels
    from attribution.touches as t
    join last_touch as l using (customer_id)
    cross join kinds as k
    where t.touched_at > l.last_at - to_days((select lookback from settings))
        and not exists (select 1 from attribution.conversions as c where c.customer_id = t.customer_id and c.kind = k.kind)
    group by t.environment, k.kind, t.customer_id
)
select environment, kind, channels, sum(conversions)::bigint as conversions, sum(nulls)::bigint as nulls
from (
    select environment, kind, channels, 1 as conversions, 0 as nulls from converting
    union all
    select environment, kind, channels, 0, 1 from not_converting
)
group by all`;

async function buildMarkovShares(db: DuckDBConnection): Promise<void> {
  const rows = (await db.runAndReadAll(PATHS_SQL)).getRowObjectsJS();
  const groups = new Map<string, { environment: string; kind: string; paths: PathCount[] }>();
  for (const r of rows) {
    const key = `${r.environment}|${r.kind}`;
    const group = groups.get(key) ?? { environment: String(r.environment), kind: String(r.kind), paths: [] };
    group.paths.push({ channels: (r.channels as string[]).map(String), conversions: Number(r.conversions), nulls: Number(r.nulls) });
    groups.set(key, group);
  }
  await db.run(`CREATE TABLE attribution.markov_channel_shares (
    environment VARCHAR NOT NULL, kind VARCHAR NOT NULL, channel VARCHAR NOT NULL,
    removal_effect DOUBLE NOT NULL, share DOUBLE NOT NULL, conversion_probability DOUBLE NOT NULL)`);
  const appender = await db.createAppender('markov_channel_shares', 'attribution');
  for (const { environment, kind, paths } of [...groups.values()].sort((a, b) => `${a.environment}|${a.kind}`.localeCompare(`${b.environment}|${b.kind}`))) {
    const result = markovAttribution(FLOAT, paths);
    for (const channel of result.channels) {
      appender.appendVarchar(environment);
      appender.appendVarchar(kind);
      appender.appendVarchar(channel);
      appender.appendDouble(result.removalEffects.get(channel)!);
      appender.appendDouble(result.shares.get(channel)!);
      appender.appendDouble(result.conversionProbability);
      appender.endRow();
    }
  }
  appender.closeSync();
}

export function computedModels(): ModelFile[] {
  return [
    {
      layer: 'attribution',
      name: 'markov_channel_shares',
      file: 'activities/models/computed-models.ts',
      sql: '',
      grain: 'one row per environment, conversion kind and channel: its Markov removal effect and share',
      materialized: 'table',
      dependsOn: ['attribution.conversion_touches', 'attribution.touches', 'attribution.conversions'],
      unique: ['environment, kind, channel'],
      notNull: ['environment', 'kind', 'channel', 'removal_effect', 'share'],
      compute: buildMarkovShares,
    },
  ];
}
