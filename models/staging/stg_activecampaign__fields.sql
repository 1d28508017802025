-- grain: one row per ActiveCampaign custom contact field per connection, the newest landed version
-- unique: connection, field_id
-- not_null: environment, connection, field_id, title
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"udate": "VARCHAR", "type": "VARCHAR", "perstag": "VARCHAR", "title": "VARCHAR", "cdate": "VARCHAR"}') as p
    from raw_latest.activecampaign__fields
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as field_id,
        p.title as title,
        nullif(p.type, '') as field_type,
        -- The personalization tag (%PERSTAG%) names the field in email templates.
        nullif(p.perstag, '') as perstag,
        (p.cdate)::timestamptz as created_at,
        (p.udate)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
