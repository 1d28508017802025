-- grain: one row per Talon.One coupon code of a campaign of an Application
-- unique: coupon_id
-- not_null: coupon_id, environment, connection, source_coupon_id, campaign_id, code, usage_count, usage_limit, is_redeemed, created_at
with coupons as (
    select * from staging.stg_talonone__coupons
),

final as (
    select
        'talonone:' || coupons.connection || ':' || coupons.coupon_id as coupon_id,
        -- The person a personal code was made for; NULL for codes anyone may use.
        recipients.customer_id,
        coupons.environment,
        coupons.connection,
        coupons.coupon_id as source_coupon_id,
        coupons.campaign_id,
        campaigns.campaign_name,
        coupons.code,
        coupons.recipient_integration_id,
        coupons.usage_count,
        coupons.usage_limit,
        coupons.usage_count > 0 as is_redeemed,
        -- A limited code used up; 0 is no limit.
        coupons.usage_limit > 0 and coupons.usage_count >= coupons.usage_limit as is_used_up,
        coupons.referral_id,
        coupons.batch_id,
        coupons.starts_at,
        coupons.expires_at,
        coupons.created_at,
        coupons.synced_at
    from coupons
    left join staging.stg_talonone__campaigns as campaigns using (environment, connection, campaign_id)
    left join core.customer_identities as recipients
        on (recipients.source, recipients.environment, recipients.connection, recipients.source_customer_id)
        = ('talonone', coupons.environment, coupons.connection, coupons.recipient_integration_id)
)

select * from final
