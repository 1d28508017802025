-- grain: one row per Talon.One referral code of a campaign per connection, the newest landed version
-- unique: connection, referral_id
-- not_null: environment, connection, referral_id, campaign_id, code, advocate_integration_id, usage_count, usage_limit, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"startDate": "VARCHAR", "usageCounter": "VARCHAR", "campaignId": "VARCHAR", "created": "VARCHAR", "expiryDate": "VARCHAR", "code": "VARCHAR", "advocateProfileIntegrationId": "VARCHAR", "friendProfileIntegrationId": "VARCHAR", "usageLimit": "VARCHAR"}') as p
    from raw_latest.talonone__referrals
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as referral_id,
        (p."campaignId")::bigint as campaign_id,
        p.code as code,
        -- The profile who hands the code out; the friend who used it (set once they did).
        p."advocateProfileIntegrationId" as advocate_integration_id,
        nullif(p."friendProfileIntegrationId", '') as friend_integration_id,
        (p."usageCounter")::bigint as usage_count,
        (p."usageLimit")::bigint as usage_limit,
        (p."startDate")::timestamptz as starts_at,
        (p."expiryDate")::timestamptz as expires_at,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
