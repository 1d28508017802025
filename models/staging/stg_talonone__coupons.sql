-- grain: one row per Talon.One coupon code of a campaign per connection, the newest landed version
-- unique: connection, coupon_id
-- not_null: environment, connection, coupon_id, campaign_id, code, usage_count, usage_limit, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"referralId": "VARCHAR", "startDate": "VARCHAR", "usageCounter": "VARCHAR", "campaignId": "VARCHAR", "recipientIntegrationId": "VARCHAR", "created": "VARCHAR", "expiryDate": "VARCHAR", "batchId": "VARCHAR", "value": "VARCHAR", "usageLimit": "VARCHAR"}') as p
    from raw_latest.talonone__coupons
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as coupon_id,
        (p."campaignId")::bigint as campaign_id,
        p.value as code,
        -- Redemptions in closed sessions; a cancelled session gives its redemption back.
        (p."usageCounter")::bigint as usage_count,
        -- 0 is no limit.
        (p."usageLimit")::bigint as usage_limit,
        -- The profile a personal code was made for.
        nullif(p."recipientIntegrationId", '') as recipient_integration_id,
        -- The referral whose use earned the advocate this code.
        (p."referralId")::bigint as referral_id,
        nullif(p."batchId", '') as batch_id,
        (p."startDate")::timestamptz as starts_at,
        (p."expiryDate")::timestamptz as expires_at,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
