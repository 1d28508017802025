-- grain: one row per Facebook ad account per connection (a connection reads one), the newest landed version
-- unique: connection, ad_account_id
-- not_null: environment, connection, ad_account_id, currency, time_zone
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"id": "VARCHAR", "account_id": "VARCHAR", "name": "VARCHAR", "currency": "VARCHAR", "timezone_name": "VARCHAR", "timezone_offset_hours_utc": "DOUBLE", "account_status": "INTEGER"}') as p
    from raw_latest.facebook_ads__ad_account
),

renamed as (
    select
        environment,
        connection,
        -- The number insights rows carry as account_id; the node's id is it with `act_` in front.
        coalesce(p.account_id, regexp_replace(p.id, '^act_', '')) as ad_account_id,
        p.name as ad_account_name,
        -- The currency every spend and budget of the account is in.
        upper(p.currency) as currency,
        -- The IANA zone whose calendar days insights are reported in.
        p.timezone_name as time_zone,
        -- The offset in force when the account was read (it moves with daylight saving time).
        p.timezone_offset_hours_utc as utc_offset_hours,
        -- 1 active, 2 disabled, 3 unsettled, 7 pending risk review, 9 in grace period, 101 closed.
        p.account_status as account_status,
        sync_mode,
        synced_at
    from source
)

select * from renamed
