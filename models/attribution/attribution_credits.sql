-- grain: one row per conversion, touch and model with a share of the conversion (touches a model gives nothing are left out)
-- materialized: view
select
    shares.model,
    touches.conversion_id,
    touches.kind,
    touches.customer_id,
    touches.environment,
    touches.converted_at,
    touches.touchpoint_id,
    touches.touched_at,
    touches.platform,
    touches.source,
    touches.medium,
    touches.campaign,
    touches.campaign_id,
    touches.channel,
    shares.credit,
    shares.invoiced_minor,
    shares.collected_minor
from attribution.attribution_credit_shares as shares
join attribution.conversion_touches as touches using (conversion_id, touchpoint_id)
