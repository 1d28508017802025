import type { DuckDBConnection } from '@duckdb/node-api';
import { FLOAT, markovFromTransitions, type TransitionCount } from '../attribution/markov';
import { fitCreditWeights, type PathGroup } from '../attribution/markov-credit-weights';
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

/**
 * The conversions that have a path (not a `(no touch)` one), grouped by the distinct channels on it,
 * with how many there are and their money: what the credit weights are fitted to. The same touches
 * as touch_credits splits, so the weights give it the standard totals. A path's distinct channels
 * are a bit mask while they fit one: a fixed-size aggregate DuckDB can spill, where a list of each
 * conversion's channels outgrew a 3GB limit at 10M conversions.
 */
const PATH_GROUPS_SQL = `
with channels as (
    select channel, (row_number() over (order by channel) - 1)::integer as bit
    from (select distinct channel from attribution.conversion_touches where label_key is not null)
),
paths as (
    select conversion_key, bit_or((1::ubigint) << channels.bit) as mask
    from attribution.conversion_touches
    join channels using (channel)
    where label_key is not null
    group by conversion_key
),
grouped as (
    select
        conversions.environment, conversions.kind, paths.mask, count(*)::bigint as conversions,
        sum(conversions.invoiced_minor)::double as invoiced_minor, sum(conversions.collected_minor)::double as collected_minor
    from paths
    join attribution.conversions as conversions using (conversion_key)
    group by all
)
select
    environment, kind, (select list(channel order by channel) from channels where (mask >> bit) & 1 = 1) as channels,
    conversions, invoiced_minor, collected_minor
from grouped`;

/** The same groups with each path's channels as a list: for more channels than a mask has bits. */
const PATH_GROUPS_LIST_SQL = `
with paths as (
    select conversion_key, list_sort(list_distinct(list(channel))) as channels
    from attribution.conversion_touches
    where label_key is not null
    group by conversion_key
)
select
    conversions.environment, conversions.kind, paths.channels, count(*)::bigint as conversions,
    sum(conversions.invoiced_minor)::double as invoiced_minor, sum(conversions.collected_minor)::double as collected_minor
from paths
join attribution.conversions as conversions using (conversion_key)
group by all`;

/** The most channels a path's bit mask holds. */
const MASK_BITS = 64;

interface Chain {
  environment: string;
  kind: string;
  transitions: TransitionCount[];
  conversions: PathGroup[];
  invoiced: PathGroup[];
  collected: PathGroup[];
}

async function readChains(db: DuckDBConnection): Promise<Chain[]> {
  const chains = new Map<string, Chain>();
  const chain = (environment: unknown, kind: unknown): Chain => {
    const key = `${environment}|${kind}`;
    const seen = chains.get(key);
    if (seen) return seen;
    const made: Chain = { environment: String(environment), kind: String(kind), transitions: [], conversions: [], invoiced: [], collected: [] };
    chains.set(key, made);
    return made;
  };
  for (const r of (await db.runAndReadAll(TRANSITIONS_SQL)).getRowObjectsJS()) {
    const from = r.from_channel === null ? null : String(r.from_channel);
    const count = Number(r.n);
    chain(r.environment, r.kind).transitions.push(r.end_state === null ? { from, to: String(r.to_channel), count } : { from, end: r.end_state as 'conversion' | 'null', count });
  }
  const channels = Number(
    (await db.runAndReadAll('select count(distinct channel) as n from attribution.conversion_touches where label_key is not null')).getRowObjectsJS()[0]!.n,
  );
  for (const r of (await db.runAndReadAll(channels <= MASK_BITS ? PATH_GROUPS_SQL : PATH_GROUPS_LIST_SQL)).getRowObjectsJS()) {
    const c = chain(r.environment, r.kind);
    const channels = (r.channels as unknown[]).map(String);
    c.conversions.push({ channels, value: Number(r.conversions) });
    if (r.invoiced_minor !== null) c.invoiced.push({ channels, value: Number(r.invoiced_minor) });
    if (r.collected_minor !== null) c.collected.push({ channels, value: Number(r.collected_minor) });
  }
  return [...chains.values()].sort((a, b) => `${a.environment}|${a.kind}`.localeCompare(`${b.environment}|${b.kind}`));
}

async function buildMarkovShares(db: DuckDBConnection): Promise<void> {
  const chains = await readChains(db);
  await db.run(`CREATE TABLE attribution.markov_channel_shares (
    environment VARCHAR NOT NULL, kind VARCHAR NOT NULL, channel VARCHAR NOT NULL,
    removal_effect DOUBLE NOT NULL, share DOUBLE NOT NULL, conversion_probability DOUBLE NOT NULL,
    standard_credit DOUBLE NOT NULL, standard_invoiced_minor DOUBLE, standard_collected_minor DOUBLE,
    credit_weight DOUBLE NOT NULL, invoiced_weight DOUBLE NOT NULL, collected_weight DOUBLE NOT NULL)`);
  const appender = await db.createAppender('markov_channel_shares', 'attribution');
  try {
    for (const chain of chains) {
      const result = markovFromTransitions(FLOAT, chain.transitions);
      const total = (groups: PathGroup[]) => groups.reduce((a, g) => a + g.value, 0);
      const credit = fitCreditWeights(result.shares, chain.conversions);
      // Money is fitted on its own: the same weights would give it the standard totals only if every path's orders were worth the same.
      const money = (groups: PathGroup[]) => (groups.length > 0 ? fitCreditWeights(result.shares, groups).weights : credit.weights);
      const invoiced = money(chain.invoiced);
      const collected = money(chain.collected);
      const standard = (groups: PathGroup[], share: number) => (groups.length > 0 ? total(groups) * share : null);
      for (const channel of result.channels) {
        const share = result.shares.get(channel)!;
        appender.appendVarchar(chain.environment);
        appender.appendVarchar(chain.kind);
        appender.appendVarchar(channel);
        appender.appendDouble(result.removalEffects.get(channel)!);
        appender.appendDouble(share);
        appender.appendDouble(result.conversionProbability);
        appender.appendDouble(total(chain.conversions) * share);
        for (const value of [standard(chain.invoiced, share), standard(chain.collected, share)]) {
          if (value === null) appender.appendNull();
          else appender.appendDouble(value);
        }
        appender.appendDouble(credit.weights.get(channel)!);
        appender.appendDouble(invoiced.get(channel)!);
        appender.appendDouble(collected.get(channel)!);
        appender.endRow();
      }
    }
  } finally {
    appender.closeSync();
  }
}

/**
 * `attribution.markov_channel_shares`, computed in code: the removal effects are solved exactly on
 * each absorbing chain, a linear system per channel, and the credit weights fitted over the paths'
 * groups, not a query.
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
