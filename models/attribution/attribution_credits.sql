-- grain: one row per conversion, touch and model with a share of the conversion (touches a model gives nothing are left out)
-- materialized: view
--
-- The conversion's columns from attribution.conversions, the touch's labels from attribution.touch_labels;
-- a '(no touch)' row has no touch and is labelled as attribution.conversion_touches says.
select
    shares.model,
    shares.conversion_id,
    shares.kind,
    conversions.customer_id,
    conversions.environment,
    conversions.converted_at,
    shares.touchpoint_id,
    conversion_touches.touched_at,
    labels.platform,
    coalesce(labels.source, '(none)') as source,
    coalesce(labels.medium, '(none)') as medium,
    coalesce(labels.campaign, '(no touch)') as campaign,
    labels.campaign_id,
    conversion_touches.channel,
    shares.credit,
    shares.invoiced_minor,
    shares.collected_minor
from attribution.attribution_credit_shares as shares
join attribution.conversion_touches as conversion_touches using (conversion_key, position)
join attribution.conversions as conversions using (conversion_key)
left join attribution.touch_labels as labels using (label_key)
