-- grain: one row per Talon.One campaign of a connection's Application, the newest landed version
-- unique: connection, campaign_id
-- not_null: environment, connection, campaign_id, application_id, campaign_name, source_status, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"description": "VARCHAR", "frontendState": "VARCHAR", "referralRedemptionCount": "VARCHAR", "applicationId": "VARCHAR", "name": "VARCHAR", "state": "VARCHAR", "type": "VARCHAR", "updated": "VARCHAR", "createdLoyaltyPointsCount": "VARCHAR", "created": "VARCHAR", "endTime": "VARCHAR", "couponRedemptionCount": "VARCHAR", "startTime": "VARCHAR", "tags": "JSON", "features": "JSON"}') as p
    from raw_latest.talonone__campaigns
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as campaign_id,
        (p."applicationId")::bigint as application_id,
        p.name as campaign_name,
        nullif(trim(p.description), '') as description,
        -- One of enabled / disabled / archived; `frontendState` adds whether it runs now (running / scheduled / expired).
        p.state as source_status,
        nullif(p."frontendState", '') as frontend_state,
        p.type as campaign_type,
        (p.features)::varchar[] as features,
        (p.tags)::varchar[] as tags,
        (p."couponRedemptionCount")::bigint as coupon_redemptions,
        (p."referralRedemptionCount")::bigint as referral_redemptions,
        (p."createdLoyaltyPointsCount")::decimal(18, 2) as loyalty_points_created,
        (p."startTime")::timestamptz as starts_at,
        (p."endTime")::timestamptz as ends_at,
        (p.created)::timestamptz as created_at,
        (p.updated)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
