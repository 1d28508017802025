-- grain: one row per model, environment and conversion kind: the conversions and their value beside what the model credited
-- unique: model, environment, kind
-- not_null: model, environment, kind, conversions, credited, balanced
with totals as (
    select environment, kind, count(*) as conversions, sum(invoiced_minor) as invoiced_minor, sum(collected_minor) as collected_minor
    from attribution.conversions
    group by all
),

-- fsum: an exactly rounded sum, so millions of float shares do not drift.
credited as (
    select model, environment, kind, fsum(credit) as credited, sum(invoiced_minor) as invoiced_minor, sum(collected_minor) as collected_minor
    from attribution.credits_by_day
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
