-- grain: one row per Talon.One campaign of a connection's Application, the newest landed version
-- unique: connection, campaign_id
-- not_null: environment, connection, campaign_id, application_id, campaign_name, source_status, created_at
with source as (
    select * from raw_latest.talonone__campaigns
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as campaign_id,
        (payload->>'applicationId')::bigint as application_id,
        payload->>'name' as campaign_name,
        nullif(trim(payload->>'description'), '') as description,
        -- One of enabled / disabled / archived; `frontendState` adds whether it runs now (running / scheduled / expired).
        payload->>'state' as source_status,
        nullif(payload->>'frontendState', '') as frontend_state,
        payload->>'type' as campaign_type,
        (payload->'features')::varchar[] as features,
        (payload->'tags')::varchar[] as tags,
        (payload->>'couponRedemptionCount')::bigint as coupon_redemptions,
        (payload->>'referralRedemptionCount')::bigint as referral_redemptions,
        (payload->>'createdLoyaltyPointsCount')::decimal(18, 2) as loyalty_points_created,
        (payload->>'startTime')::timestamptz as starts_at,
        (payload->>'endTime')::timestamptz as ends_at,
        (payload->>'created')::timestamptz as created_at,
        (payload->>'updated')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
