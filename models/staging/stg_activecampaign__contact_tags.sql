-- grain: one row per tag applied to an ActiveCampaign contact per connection, the newest landed version
-- unique: connection, contact_tag_id
-- not_null: environment, connection, contact_tag_id, contact_id, tag_id
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"cdate": "VARCHAR", "contact": "VARCHAR", "tag": "VARCHAR"}') as p
    from raw_latest.activecampaign__contact_tags
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as contact_tag_id,
        (p.contact)::bigint as contact_id,
        (p.tag)::bigint as tag_id,
        (p.cdate)::timestamptz as tagged_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
