-- grain: one row per Talon.One customer profile and achievement it has progress on, per connection, as the newest landed answer reported it
-- unique: connection, integration_id, achievement_id
-- not_null: environment, connection, integration_id, achievement_id, campaign_id, status, progress
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"cdp_parent": {"integrationId": "VARCHAR"}, "achievementId": "VARCHAR", "campaignId": "VARCHAR", "name": "VARCHAR", "title": "VARCHAR", "status": "VARCHAR", "progress": "VARCHAR", "target": "VARCHAR", "startDate": "VARCHAR", "endDate": "VARCHAR", "completionDate": "VARCHAR"}') as p
    from raw_latest.talonone__achievement_progress
),

renamed as (
    select
        environment,
        connection,
        -- The answer does not name the profile: the connector adds it from the request path.
        p.cdp_parent."integrationId" as integration_id,
        (p."achievementId")::bigint as achievement_id,
        (p."campaignId")::bigint as campaign_id,
        p.name as achievement_name,
        p.title as title,
        -- inprogress, completed or expired (not_started has no progress to list).
        p.status as status,
        (p.progress)::decimal(18, 2) as progress,
        (p.target)::decimal(18, 2) as target,
        (p."startDate")::timestamptz as started_at,
        (p."endDate")::timestamptz as ends_at,
        (p."completionDate")::timestamptz as completed_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
