import type { DuckDBConnection } from '@duckdb/node-api';
import { FLOAT, markovFromTransitions, type TransitionCount } from '../attribution/markov';
import type { ComputedModel } from './model-files';

/**
 * The transitions of people's paths for each conversion kind, counted in SQL: every converting path
 * (a conversion's touches in its lookback) and every non-converting one (the touches of a person
 * without such a conversion, in the lookback before their last touch), consecutive repeats of a
 * channel collapsed; `from_channel` NULL is the start, `end_state` a path's end. A person's recent
 * path is the same for each kind they did not convert in, so it is walked once and counted for each
 * of those kinds; paths are keyed by integers (a conversion's key, a person's number).
 */
const TRANSITIONS_SQL = `
with settings as (select attribution_lookback_days as lookback from config.settings),
kinds as (select unnest(['lead', 'customer', 'order']) as kind),
people as (
    select customer_id, max(touched_at) as last_at, row_number() over () as person_key
    from attribution.touches group by customer_id
),
unconverted as (
    select people.person_key, list(kinds.kind order by kinds.kind) as kinds
    from people cross join kinds
    where not exists (select 1 from attribution.conversions as c where c.customer_id = people.customer_id and c.kind = kinds.kind)
    group by people.person_key
),
steps as (
    select conversions.environment, conversions.kind, touches.conversion_key as path_id, touches.channel, touches.position as pos
    from attribution.conversion_touches as touches
    join attribution.conversions as conversions using (conversion_key)
    where touches.touch_key is not null
    union all
    select t.environment, null, p.person_key, t.channel,
        row_number() over (partition by t.customer_id order by t.touched_at, t.touchpoint_id)
    from attribution.touches as t
    join people as p using (customer_id)
    where t.touched_at > p.last_at - to_days((select lookback from settings))
),
kept as (
    select * from (
        select *, lag(channel) over (partition by environment, kind, path_id order by pos) as previous
        from steps
    )
    where previous is distinct from channel
),
edges as (
    select
        environment, kind, path_id, channel,
        lag(channel) over w as from_channel,
        lead(channel) over w is null as is_last
    from kept
    window w as (partition by environment, kind, path_id order by pos)
),
counted as (
    select environment, [kind] as kinds, from_channel, channel, is_last, true as converted, count(*) as n
    from edges where kind is not null group by all
    union all
    select edges.environment, unconverted.kinds, edges.from_channel, edges.channel, edges.is_last, false, count(*)
    from edges join unconverted on unconverted.person_key = edges.path_id
    where edges.kind is null group by all
),
per_kind as (
    select environment, unnest(kinds) as kind, from_channel, channel, is_last, converted, n from counted
)
select environment, kind, from_channel, channel as to_channel, null as end_state, sum(n)::bigint as n
from per_kind group by all
union all
select environment, kind, channel, null, case when converted then 'conversion' else 'null' end, sum(n)::bigint
from per_kind where is_last group by all`;

async function buildMarkovShares(db: DuckDBConnection): Promise<void> {
  const rows = (await db.runAndReadAll(TRANSITIONS_SQL)).getRowObjectsJS();
  const groups = new Map<string, { environment: string; kind: string; transitions: TransitionCount[] }>();
  for (const r of rows) {
    const key = `${r.environment}|${r.kind}`;
    const group = groups.get(key) ?? { environment: String(r.environment), kind: String(r.kind), transitions: [] };
    const from = r.from_channel === null ? null : String(r.from_channel);
    const count = Number(r.n);
    group.transitions.push(r.end_state === null ? { from, to: String(r.to_channel), count } : { from, end: r.end_state as 'conversion' | 'null', count });
    groups.set(key, group);
  }
  await db.run(`CREATE TABLE attribution.markov_channel_shares (
    environment VARCHAR NOT NULL, kind VARCHAR NOT NULL, channel VARCHAR NOT NULL,
    removal_effect DOUBLE NOT NULL, share DOUBLE NOT NULL, conversion_probability DOUBLE NOT NULL)`);
  const appender = await db.createAppender('markov_channel_shares', 'attribution');
  try {
    for (const { environment, kind, transitions } of [...groups.values()].sort((a, b) => `${a.environment}|${a.kind}`.localeCompare(`${b.environment}|${b.kind}`))) {
      const result = markovFromTransitions(FLOAT, transitions);
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
  } finally {
    appender.closeSync();
  }
}

/**
 * `attribution.markov_channel_shares`, computed in code: the removal effects are solved exactly on
 * each absorbing chain, a linear system per channel, not a query.
 */
export function markovChannelSharesModel(): ComputedModel {
  return {
    layer: 'attribution',
    name: 'markov_channel_shares',
    computedIn: 'lib/warehouse/markov-channel-shares.ts',
    dependsOn: ['attribution.conversion_touches', 'attribution.touches', 'attribution.conversions'],
    compute: buildMarkovShares,
  };
}
