-- grain: one row per ActiveCampaign contact per connection, the newest landed version
-- unique: connection, contact_id
-- not_null: environment, connection, contact_id, email_raw, created_at
with source as (
    select * from raw_latest.activecampaign__contacts
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as contact_id,
        payload->>'email' as email_raw,
        -- Matching across sources is by normalized email; the raw value stays for audits.
        nullif(lower(trim(payload->>'email')), '') as email,
        nullif(trim(payload->>'firstName'), '') as first_name,
        nullif(trim(payload->>'lastName'), '') as last_name,
        nullif(trim(payload->>'phone'), '') as phone,
        -- Sent with the account's UTC offset: the cast keeps the instant and stores it in UTC.
        (payload->>'cdate')::timestamptz as created_at,
        (payload->>'udate')::timestamptz as updated_at,
        (payload->>'deleted') = '1' as is_deleted,
        sync_mode,
        synced_at
    from source
)

select * from renamed
