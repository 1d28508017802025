-- grain: one row per Talon.One customer profile and achievement it has made progress on
-- unique: connection, integration_id, achievement_id
-- not_null: environment, connection, integration_id, achievement_id, campaign_id, achievement_name, status, progress, is_completed
with progress as (
    select * from staging.stg_talonone__achievement_progress
),

final as (
    select
        people.customer_id,
        progress.environment,
        progress.connection,
        progress.integration_id,
        progress.achievement_id,
        progress.campaign_id,
        campaigns.campaign_name,
        progress.achievement_name,
        progress.title,
        definitions.description,
        -- Sessions, points or money counted toward the target, as Talon.One counts them.
        progress.progress,
        coalesce(progress.target, definitions.target) as target,
        -- inprogress, completed or expired. Progress is re-read when the profile has a new session: one
        -- still in progress whose end has passed by the build has expired since.
        case when progress.status = 'inprogress' and progress.ends_at <= (select built_at from config.settings) then 'expired' else progress.status end as status,
        progress.status = 'completed' as is_completed,
        definitions.period,
        definitions.recurrence_policy,
        progress.started_at,
        progress.ends_at,
        progress.completed_at,
        progress.synced_at
    from progress
    left join staging.stg_talonone__achievements as definitions
        on (definitions.environment, definitions.connection, definitions.achievement_id) = (progress.environment, progress.connection, progress.achievement_id)
    left join staging.stg_talonone__campaigns as campaigns
        on (campaigns.environment, campaigns.connection, campaigns.campaign_id) = (progress.environment, progress.connection, progress.campaign_id)
    left join core.customer_identities as people
        on (people.source, people.environment, people.connection, people.source_customer_id)
        = ('talonone', progress.environment, progress.connection, progress.integration_id)
)

select * from final
