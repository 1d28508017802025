-- grain: one row per ActiveCampaign custom contact field per connection, the newest landed version
-- unique: connection, field_id
-- not_null: environment, connection, field_id, title
with source as (
    select * from raw_latest.activecampaign__fields
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
    from source
)

select * from renamed
