-- grain: one row per tag applied to an ActiveCampaign contact per connection, the newest landed version
-- unique: connection, contact_tag_id
-- not_null: environment, connection, contact_tag_id, contact_id, tag_id
with source as (
    select * from raw_latest.activecampaign__contact_tags
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as contact_tag_id,
        (payload->>'contact')::bigint as contact_id,
        (payload->>'tag')::bigint as tag_id,
        (payload->>'cdate')::timestamptz as tagged_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
