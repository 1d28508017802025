-- grain: one row per marketing touch a person had (core.touchpoints), with its ad platform and campaign id where known
-- materialized: view
--
-- attribution.touch_events (the touches, unique per touchpoint_id) with their labels (attribution.touch_labels, one per label_key).
select
    events.touchpoint_id,
    events.customer_id,
    labels.environment,
    events.touched_at,
    events.touch_type,
    events.origin,
    labels.source,
    labels.medium,
    labels.campaign,
    labels.platform,
    labels.campaign_id,
    labels.is_direct,
    labels.channel
from attribution.touch_events as events
join attribution.touch_labels as labels using (label_key)
