-- grain: one row per Talon.One customer profile and per-profile campaign budget it has used (per code, for a budget per profile and coupon)
-- unique: connection, integration_id, campaign_id, limit_index, coupon_code
-- not_null: environment, connection, integration_id, campaign_id, limit_index, action, limit_value, used, remaining, is_exhausted, as_of
--
-- Talon.One's Management API lists no budget counters: a campaign declares its budgets (`limits`), and
-- the counter of a per-profile budget is the profile's closed sessions (closed, or closed then partly
-- returned) that redeemed a coupon or referral code of the campaign, counted within the current period
-- in the Application's time zone. Budgets on other actions (setDiscount, addLoyaltyPoints) are not counted.
with settings as (
    select built_at from config.settings
),

limits as (
    select limits.*, applications.time_zone
    from staging.stg_talonone__campaign_limits as limits
    left join staging.stg_talonone__applications as applications using (environment, connection)
    where limits.is_per_profile and limits.action in ('redeemCoupon', 'redeemReferral')
),

-- The codes sessions used, with the campaign each belongs to (codes match ignoring case).
redemptions as (
    select sessions.environment, sessions.connection, sessions.profile_integration_id as integration_id, sessions.created_at,
        'redeemCoupon' as action, coupons.campaign_id, coupons.code
    from staging.stg_talonone__sessions as sessions
    join staging.stg_talonone__coupons as coupons
        on coupons.connection = sessions.connection and upper(coupons.code) = upper(sessions.coupon_code)
    where sessions.state in ('closed', 'partially_returned') and sessions.profile_integration_id is not null
    union all
    select sessions.environment, sessions.connection, sessions.profile_integration_id, sessions.created_at,
        'redeemReferral', referrals.campaign_id, referrals.code
    from staging.stg_talonone__sessions as sessions
    join staging.stg_talonone__referrals as referrals
        on referrals.connection = sessions.connection and upper(referrals.code) = upper(sessions.referral_code)
    where sessions.state in ('closed', 'partially_returned') and sessions.profile_integration_id is not null
),

-- The start of the period an instant falls in, on the Application's wall clock; NULL for a budget that never resets.
periods as (
    select
        limits.*,
        redemptions.integration_id,
        redemptions.code,
        case limits.limit_period
            when 'daily' then date_trunc('day', timezone(limits.time_zone, redemptions.created_at))
            when 'weekly' then date_trunc('week', timezone(limits.time_zone, redemptions.created_at))
            when 'monthly' then date_trunc('month', timezone(limits.time_zone, redemptions.created_at))
            when 'yearly' then date_trunc('year', timezone(limits.time_zone, redemptions.created_at))
        end as redeemed_period,
        case limits.limit_period
            when 'daily' then date_trunc('day', timezone(limits.time_zone, (select built_at from settings)))
            when 'weekly' then date_trunc('week', timezone(limits.time_zone, (select built_at from settings)))
            when 'monthly' then date_trunc('month', timezone(limits.time_zone, (select built_at from settings)))
            when 'yearly' then date_trunc('year', timezone(limits.time_zone, (select built_at from settings)))
        end as current_period
    from limits
    join redemptions using (environment, connection, campaign_id, action)
),

counted as (
    select
        environment,
        connection,
        integration_id,
        campaign_id,
        limit_index,
        action,
        case when is_per_coupon then upper(code) end as coupon_code,
        limit_value,
        limit_period,
        time_zone,
        -- When the counter starts again: the next period's start in the Application's zone; NULL never.
        timezone(time_zone, current_period + case limit_period when 'daily' then interval 1 day when 'weekly' then interval 7 day
            when 'monthly' then interval 1 month when 'yearly' then interval 1 year end) as resets_at,
        count(*) filter (where limit_period is null or redeemed_period = current_period) as used
    from periods
    group by all
),

final as (
    select
        people.customer_id,
        counted.environment,
        counted.connection,
        counted.integration_id,
        counted.campaign_id,
        campaigns.campaign_name,
        counted.limit_index,
        counted.action,
        -- Set for a budget per profile and code: the code, upper-case.
        coalesce(counted.coupon_code, '') as coupon_code,
        counted.limit_value,
        counted.used::integer as used,
        greatest(counted.limit_value - counted.used, 0) as remaining,
        counted.used >= counted.limit_value as is_exhausted,
        counted.limit_period,
        counted.resets_at,
        (select built_at from settings) as as_of
    from counted
    left join staging.stg_talonone__campaigns as campaigns using (environment, connection, campaign_id)
    left join core.customer_identities as people
        on (people.source, people.environment, people.connection, people.source_customer_id)
        = ('talonone', counted.environment, counted.connection, counted.integration_id)
)

select * from final
