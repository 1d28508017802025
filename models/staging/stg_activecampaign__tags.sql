-- grain: one row per ActiveCampaign tag per connection, the newest landed version
-- unique: connection, tag_id
-- not_null: environment, connection, tag_id, tag_name, tag_type
with source as (
    select * from raw.activecampaign__tags
),

deduplicated as (
    -- Tags are read whole on every sync: keep the newest landing of each.
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
        primary_key::bigint as tag_id,
        payload->>'tag' as tag_name,
        -- "contact" tags label people; "template" tags label email templates.
        payload->>'tagType' as tag_type,
        nullif(payload->>'description', '') as description,
        (payload->>'cdate')::timestamptz as created_at,
        sync_mode,
        synced_at
    from deduplicated
)

select * from renamed
