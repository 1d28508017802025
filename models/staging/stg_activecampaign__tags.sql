-- grain: one row per ActiveCampaign tag per connection, the newest landed version
-- unique: connection, tag_id
-- not_null: environment, connection, tag_id, tag_name, tag_type
with source as (
    select * from raw_latest.activecampaign__tags
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
    from source
)

select * from renamed
