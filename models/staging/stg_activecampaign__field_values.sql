-- grain: one row per ActiveCampaign custom field value of a contact per connection, the newest landed version
-- unique: connection, field_value_id
-- not_null: environment, connection, field_value_id, contact_id, field_id
with source as (
    select * from raw.activecampaign__field_values
),

deduplicated as (
    -- Field values are read whole on every sync: keep the newest landing of each.
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
        primary_key::bigint as field_value_id,
        (payload->>'contact')::bigint as contact_id,
        (payload->>'field')::bigint as field_id,
        -- Text whatever the field's type (dates arrive as "2008-01-20"): typed where a model needs it.
        payload->>'value' as value,
        (payload->>'cdate')::timestamptz as created_at,
        (payload->>'udate')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from deduplicated
)

select * from renamed
