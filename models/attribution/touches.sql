-- grain: one row per marketing touch a person had (core.touchpoints), with its ad platform and campaign id where known
-- materialized: view
--
-- core.touchpoints with their labels (attribution.touch_labels, one row per environment, source, medium
-- and campaign text, so one per touchpoint). A view, not a copy of 5M rows: the join is to a few hundred
-- labels and costs a fraction of a second per read. Its tests are those of core.touchpoints (touchpoint_id
-- unique; touchpoint_id, customer_id, environment, touched_at not null) and attribution.touch_labels.
select
    touchpoints.touchpoint_id,
    touchpoints.customer_id,
    labels.environment,
    touchpoints.touched_at,
    touchpoints.touch_type,
    touchpoints.origin,
    labels.source,
    labels.medium,
    labels.campaign,
    labels.platform,
    labels.campaign_id,
    labels.is_direct,
    labels.channel,
    labels.label_key
from core.touchpoints as touchpoints
join attribution.touch_labels as labels
    on labels.environment = touchpoints.environment
    and labels.touch_source = touchpoints.source
    and labels.touch_medium = touchpoints.medium
    and labels.campaign_text is not distinct from touchpoints.campaign
