-- grain: one row per ActiveCampaign contact per connection, the newest landed version
-- unique: connection, contact_id
-- not_null: environment, connection, contact_id, email_raw, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"firstName": "VARCHAR", "udate": "VARCHAR", "deleted": "VARCHAR", "email": "VARCHAR", "lastName": "VARCHAR", "cdate": "VARCHAR", "phone": "VARCHAR"}') as p
    from raw_latest.activecampaign__contacts
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as contact_id,
        p.email as email_raw,
        -- Matching across sources is by normalized email; the raw value stays for audits.
        nullif(lower(trim(p.email)), '') as email,
        nullif(trim(p."firstName"), '') as first_name,
        nullif(trim(p."lastName"), '') as last_name,
        nullif(trim(p.phone), '') as phone,
        -- Sent with the account's UTC offset: the cast keeps the instant and stores it in UTC.
        (p.cdate)::timestamptz as created_at,
        (p.udate)::timestamptz as updated_at,
        (p.deleted) = '1' as is_deleted,
        sync_mode,
        synced_at
    from source
)

select * from renamed
