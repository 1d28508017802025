-- grain: one row per Talon.One referral code: an advocate's code and the friend who used it
-- unique: referral_id
-- not_null: referral_id, environment, connection, source_referral_id, campaign_id, code, advocate_integration_id, usage_count, usage_limit, is_redeemed, created_at
with referrals as (
    select * from staging.stg_talonone__referrals
),

final as (
    select
        'talonone:' || referrals.connection || ':' || referrals.referral_id as referral_id,
        advocates.customer_id as advocate_customer_id,
        friends.customer_id as friend_customer_id,
        referrals.environment,
        referrals.connection,
        referrals.referral_id as source_referral_id,
        referrals.campaign_id,
        campaigns.campaign_name,
        referrals.code,
        referrals.advocate_integration_id,
        referrals.friend_integration_id,
        referrals.usage_count,
        referrals.usage_limit,
        -- Used in a closed session; a friend named on a code whose session was cancelled has not redeemed it.
        referrals.usage_count > 0 as is_redeemed,
        referrals.starts_at,
        referrals.expires_at,
        referrals.created_at,
        referrals.synced_at
    from referrals
    left join staging.stg_talonone__campaigns as campaigns using (environment, connection, campaign_id)
    left join core.customer_identities as advocates
        on (advocates.source, advocates.environment, advocates.connection, advocates.source_customer_id)
        = ('talonone', referrals.environment, referrals.connection, referrals.advocate_integration_id)
    left join core.customer_identities as friends
        on (friends.source, friends.environment, friends.connection, friends.source_customer_id)
        = ('talonone', referrals.environment, referrals.connection, referrals.friend_integration_id)
)

select * from final
