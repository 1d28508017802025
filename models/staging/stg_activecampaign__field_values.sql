-- grain: one row per ActiveCampaign custom field value of a contact per connection, the newest landed version
-- unique: connection, field_value_id
-- not_null: environment, connection, field_value_id, contact_id, field_id
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"field": "VARCHAR", "udate": "VARCHAR", "contact": "VARCHAR", "cdate": "VARCHAR", "value": "VARCHAR"}') as p
    from raw_latest.activecampaign__field_values
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as field_value_id,
        (p.contact)::bigint as contact_id,
        (p.field)::bigint as field_id,
        -- Text whatever the field's type (dates arrive as "2008-01-20"): typed where a model needs it.
        p.value as value,
        (p.cdate)::timestamptz as created_at,
        (p.udate)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
