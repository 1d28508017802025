-- grain: one row per Talon.One achievement of a campaign per connection, the newest landed version
-- unique: connection, achievement_id
-- not_null: environment, connection, achievement_id, campaign_id, achievement_name, title, target, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"campaignId": "VARCHAR", "name": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR", "target": "VARCHAR", "period": "VARCHAR", "recurrencePolicy": "VARCHAR", "activationPolicy": "VARCHAR", "fixedStartDate": "VARCHAR", "endDate": "VARCHAR", "status": "VARCHAR", "created": "VARCHAR"}') as p
    from raw_latest.talonone__achievements
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as achievement_id,
        (p."campaignId")::bigint as campaign_id,
        p.name as achievement_name,
        p.title as title,
        nullif(trim(p.description), '') as description,
        (p.target)::decimal(18, 2) as target,
        -- How long a customer has to reach the target, e.g. 30D.
        nullif(p.period, '') as period,
        nullif(p."recurrencePolicy", '') as recurrence_policy,
        nullif(p."activationPolicy", '') as activation_policy,
        (p."fixedStartDate")::timestamptz as starts_at,
        (p."endDate")::timestamptz as ends_at,
        -- As of the landing: inprogress, expired, not_started or completed.
        nullif(p.status, '') as source_status,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
