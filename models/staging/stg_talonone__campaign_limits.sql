-- grain: one row per budget (limit) of a Talon.One campaign per connection, the newest landed version of the campaign
-- unique: connection, campaign_id, limit_index
-- not_null: environment, connection, campaign_id, limit_index, action, limit_value, entities, is_per_profile, is_per_coupon
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"limits": [{"action": "VARCHAR", "limit": "VARCHAR", "period": "VARCHAR", "entities": ["VARCHAR"]}]}') as p
    from raw_latest.talonone__campaigns
),

limits as (
    -- The position in the campaign's list keeps two budgets of the same action apart.
    select source.*, p.limits[i + 1] as budget, i + 1 as limit_index
    from source, range(len(coalesce(p.limits, []))) as r(i)
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as campaign_id,
        limit_index::integer as limit_index,
        -- The limited action: redeemCoupon, redeemReferral, setDiscount, createCoupon...
        budget.action as action,
        (budget."limit")::decimal(18, 2) as limit_value,
        -- daily, weekly, monthly or yearly: the counter starts again each period; NULL never resets.
        nullif(budget.period, '') as limit_period,
        coalesce(budget.entities, []) as entities,
        -- Counted per customer profile (Profile), and per profile and code (Coupon and Profile).
        list_contains(coalesce(budget.entities, []), 'Profile') as is_per_profile,
        list_contains(coalesce(budget.entities, []), 'Coupon') as is_per_coupon,
        sync_mode,
        synced_at
    from limits
)

select * from renamed
