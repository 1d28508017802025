-- grain: one row per tag applied to an ActiveCampaign contact per connection, the newest landed version
-- unique: connection, contact_tag_id
-- not_null: environment, connection, contact_tag_id, contact_id, tag_id
with source as (
    select * from raw.activecampaign__contact_tags
),

deduplicated as (
    -- Contact tags are read whole on every sync: keep the newest landing of each.
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
        primary_key::bigint as contact_tag_id,
        (payload->>'contact')::bigint as contact_id,
        (payload->>'tag')::bigint as tag_id,
        (payload->>'cdate')::timestamptz as tagged_at,
        sync_mode,
        synced_at
    from deduplicated
)

select * from renamed
