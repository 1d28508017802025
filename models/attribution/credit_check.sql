-- grain: one row per model, environment and conversion kind: the conversions and their value beside what the model credited
-- unique: model, environment, kind
-- not_null: model, environment, kind, conversions, credited, balanced
with totals as (
    select environment, kind, count(*) as conversions, sum(invoiced_minor) as invoiced_minor, sum(collected_minor) as collected_minor
    from attribution.conversions
    group by all
),

credited as (
    -- fsum: an exactly rounded sum, so millions of float shares do not drift.
    select shares.model, conversions.environment, shares.kind, fsum(shares.credit) as credited,
        sum(shares.invoiced_minor) as invoiced_minor, sum(shares.collected_minor) as collected_minor
    from attribution.attribution_credit_shares as shares
    join attribution.conversions as conversions using (conversion_id)
    group by all
)

select
    credited.model,
    totals.environment,
    totals.kind,
    totals.conversions,
    credited.credited,
    totals.invoiced_minor,
    credited.invoiced_minor as credited_invoiced_minor,
    totals.collected_minor,
    credited.collected_minor as credited_collected_minor,
    -- Every conversion counted once (shares are floats: equal to within a billionth per conversion), money to the minor unit.
    abs(credited.credited - totals.conversions) <= 1e-9 * greatest(totals.conversions, 1)
        and credited.invoiced_minor is not distinct from totals.invoiced_minor
        and credited.collected_minor is not distinct from totals.collected_minor as balanced
from totals
join credited using (environment, kind)
