-- grain: one row per ActiveCampaign tag per connection, the newest landed version
-- unique: connection, tag_id
-- not_null: environment, connection, tag_id, tag_name, tag_type
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"cdate": "VARCHAR", "description": "VARCHAR", "tagType": "VARCHAR", "tag": "VARCHAR"}') as p
    from raw_latest.activecampaign__tags
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as tag_id,
        p.tag as tag_name,
        -- "contact" tags label people; "template" tags label email templates.
        p."tagType" as tag_type,
        nullif(p.description, '') as description,
        (p.cdate)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
