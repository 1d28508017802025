import type { DuckDBConnection } from '@duckdb/node-api';
import { FLOAT, markovFromTransitions, type TransitionCount } from '../attribution/markov';
import type { ComputedModel } from './model-files';

/**
 * The transitions of people's paths for each conversion kind, counted in SQL: every converting path
 * (a conversion's touches in its lookback) and every non-converting one (the touches of a person
 * without such a conversion, in the lookback before their last touch), consecutive repeats of a
 * channel collapsed; `from_channel` NULL is the start, `end_state` a path's end. A step whose channel
 * differs from the touch before it starts a visit, and that touch's channel is where the chain came
 * from (a repeat is the same visit); a path's last touch is where it ends. So each path needs the
 * channel of the touch before and whether a touch is the last: `attribution.conversion_touches` has
 * both for a conversion's path (`previous_channel`, `position = touches`), and a person's recent path
 * takes them in one window pass. That path is the same for each kind the person did not convert in,
 * so it is walked once and counted for each of those kinds; people are keyed by a number.
 */
const TRANSITIONS_SQL = `
with settings as (select attribution_lookback_days as lookback from config.settings),
kinds as (select unnest(['lead', 'customer', 'order']) as kind),
last_touches as (
    select customer_id, max(touched_at) as last_at from attribution.touches group by customer_id
),
people as (
    select customer_id, row_number() over () as person_key, last_at - to_days(settings.lookback) as window_start
    from last_touches cross join settings
),
unconverted as (
    select people.person_key, list(kinds.kind order by kinds.kind) as kinds
    from people cross join kinds
    where not exists (select 1 from attribution.conversions as c where c.customer_id = people.customer_id and c.kind = kinds.kind)
    group by people.person_key
),
converting as (
    select conversions.environment, conversions.kind, touches.previous_channel, touches.channel, touches.position = touches.touches as is_last
    from attribution.conversion_touches as touches
    join attribution.conversions as conversions using (conversion_key)
    where touches.label_key is not null
),
recent as (
    select
        people.person_key, t.environment, t.channel,
        lag(t.channel) over w as previous_channel,
        lead(t.channel) over w is null as is_last
    from attribution.touches as t
    join people using (customer_id)
    where t.touched_at > people.window_start
    window w as (partition by people.person_key, t.environment order by t.touched_at, t.touchpoint_id)
),
counted as (
    select environment, [kind] as kinds, previous_channel, channel, is_last, true as converted, count(*) as n
    from converting group by all
    union all
    select recent.environment, unconverted.kinds, recent.previous_channel, recent.channel, recent.is_last, false, count(*)
    from recent join unconverted using (person_key)
    group by all
),
per_kind as (
    select environment, unnest(kinds) as kind, previous_channel, channel, is_last, converted, n from counted
)
select environment, kind, previous_channel as from_channel, channel as to_channel, null as end_state, sum(n)::bigint as n
from per_kind where previous_channel is distinct from channel group by all
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
