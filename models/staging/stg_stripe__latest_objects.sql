-- grain: one row per Stripe object per connection: its most recently observed version
-- materialized: view
-- At-least-once landing and events make several versions of an object; the newest observation wins.
with versions as (
    select * from staging.stg_stripe__object_versions
),

latest as (
    select * from versions
    qualify row_number() over (
        partition by environment, connection, object_type, primary_key
        order by observed_at desc, synced_at desc, sync_id desc, record_index desc
    ) = 1
)

select * from latest
