-- grain: one row per Talon.One referral code of a campaign per connection, the newest landed version
-- unique: connection, referral_id
-- not_null: environment, connection, referral_id, campaign_id, code, advocate_integration_id, usage_count, usage_limit, created_at
with source as (
    select * from raw_latest.talonone__referrals
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as referral_id,
        (payload->>'campaignId')::bigint as campaign_id,
        payload->>'code' as code,
        -- The profile who hands the code out; the friend who used it (set once they did).
        payload->>'advocateProfileIntegrationId' as advocate_integration_id,
        nullif(payload->>'friendProfileIntegrationId', '') as friend_integration_id,
        (payload->>'usageCounter')::bigint as usage_count,
        (payload->>'usageLimit')::bigint as usage_limit,
        (payload->>'startDate')::timestamptz as starts_at,
        (payload->>'expiryDate')::timestamptz as expires_at,
        (payload->>'created')::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
