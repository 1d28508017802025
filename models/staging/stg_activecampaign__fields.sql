-- grain: one row per ActiveCampaign custom contact field per connection, the newest landed version
-- unique: connection, field_id
-- not_null: environment, connection, field_id, title
with source as (
    select * from raw.activecampaign__fields
),

deduplicated as (
    -- Fields are read whole on every sync: keep the newest landing of each.
    select * from source
    qualify row_number() over (
        partition by environment, connection, primary_key
        order by synced_at desc, sync_id desc, record_index desc
    ) = 1
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as field_id,
        payload->>'title' as title,
        nullif(payload->>'type', '') as field_type,
        -- The personalization tag (%PERSTAG%) names the field in email templates.
        nullif(payload->>'perstag', '') as perstag,
        (payload->>'cdate')::timestamptz as created_at,
        (payload->>'udate')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from deduplicated
)

select * from renamed
