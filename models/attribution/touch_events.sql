-- grain: one row per marketing touch a person had (core.touchpoints): who, when, and its label (attribution.touch_labels)
-- unique: touchpoint_id
-- not_null: touchpoint_id, customer_id, touched_at, label_key
--
-- Narrow: what a touch is labelled with is in attribution.touch_labels, one row per environment,
-- source, medium and campaign text, so the 5M rows carry an integer key for it instead of seven text
-- columns, and a view puts the two together for the reports. Every touchpoint has exactly one label.
select
    touchpoints.touchpoint_id,
    touchpoints.customer_id,
    touchpoints.touched_at,
    touchpoints.touch_type,
    touchpoints.origin,
    labels.label_key
from core.touchpoints as touchpoints
join attribution.touch_labels as labels
    on labels.environment = touchpoints.environment
    and labels.touch_source = touchpoints.source
    and labels.touch_medium = touchpoints.medium
    and labels.campaign_text is not distinct from touchpoints.campaign
