-- grain: one row per Talon.One coupon code of a campaign per connection, the newest landed version
-- unique: connection, coupon_id
-- not_null: environment, connection, coupon_id, campaign_id, code, usage_count, usage_limit, created_at
with source as (
    select * from raw_latest.talonone__coupons
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as coupon_id,
        (payload->>'campaignId')::bigint as campaign_id,
        payload->>'value' as code,
        -- Redemptions in closed sessions; a cancelled session gives its redemption back.
        (payload->>'usageCounter')::bigint as usage_count,
        -- 0 is no limit.
        (payload->>'usageLimit')::bigint as usage_limit,
        -- The profile a personal code was made for.
        nullif(payload->>'recipientIntegrationId', '') as recipient_integration_id,
        -- The referral whose use earned the advocate this code.
        (payload->>'referralId')::bigint as referral_id,
        nullif(payload->>'batchId', '') as batch_id,
        (payload->>'startDate')::timestamptz as starts_at,
        (payload->>'expiryDate')::timestamptz as expires_at,
        (payload->>'created')::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
