-- grain: one row per observed version of a Stripe object: a listed record, or the object inside an event
-- materialized: view
-- not_null: environment, connection, object_type, primary_key, observed_at
-- A listed record shows the object as it was when cdp fetched it; an event shows it as it was when
-- the change happened. Each stg_stripe__* model keeps the most recently observed version. A listed
-- stream holds one kind of object, so its type is a constant: a model that reads one type reads one
-- stream and the events, not every payload.
with listed as (
    select environment, connection, 'customer' as object_type, primary_key, payload,
        synced_at as observed_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__customers
    union all
    select environment, connection, 'charge', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__charges
    union all
    select environment, connection, 'invoice', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__invoices
    union all
    select environment, connection, 'subscription', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__subscriptions
    union all
    select environment, connection, 'refund', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__refunds
    union all
    select environment, connection, 'coupon', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__coupons
    union all
    select environment, connection, 'promotion_code', primary_key, payload, synced_at, sync_mode, synced_at, sync_id, record_index
    from raw.stripe__promotion_codes
),

from_events as (
    select
        environment,
        connection,
        payload->'data'->'object'->>'object' as object_type,
        payload->'data'->'object'->>'id' as primary_key,
        payload->'data'->'object' as payload,
        to_timestamp((payload->>'created')::bigint) as observed_at,
        sync_mode,
        synced_at,
        sync_id,
        record_index
    from raw.stripe__events
    where payload->'data'->'object'->>'id' is not null
),

final as (
    select * from listed
    union all
    select * from from_events
)

select * from final
