-- grain: one row per Talon.One customer session (a cart or an order) of an Application, every state
-- unique: session_id
-- not_null: session_id, order_id, environment, connection, source_session_id, session_integration_id, state, is_closed, is_discounted, currency, cart_total_minor, discount_minor, kept_total_minor, net_revenue_minor, item_count, returned_quantity, created_at
with sessions as (
    select * from staging.stg_talonone__sessions
),

final as (
    select
        'talonone:' || sessions.connection || ':' || sessions.session_integration_id as session_id,
        -- The same session as an order in core.orders.
        'talonone:' || sessions.connection || ':' || sessions.session_integration_id as order_id,
        profiles.customer_id,
        sessions.environment,
        sessions.connection,
        sessions.session_id as source_session_id,
        sessions.session_integration_id,
        sessions.profile_integration_id,
        sessions.state,
        -- What Talon.One counts as closed sessions (its purchases): closed ones, also after a partial
        -- return; not open, cancelled or reopened ones.
        sessions.state in ('closed', 'partially_returned') as is_closed,
        -- Talon.One counts an order as discounted when its session gave a discount.
        sessions.discount_minor > 0 as is_discounted,
        sessions.coupon_code,
        sessions.referral_code,
        sessions.currency,
        sessions.total_minor as cart_total_minor,
        sessions.discount_minor,
        sessions.discounts,
        sessions.kept_total_minor,
        -- A closed session's revenue after discounts: the items kept, less what the session took off.
        case when sessions.state in ('closed', 'partially_returned') then sessions.kept_total_minor - sessions.discount_minor else 0 end as net_revenue_minor,
        sessions.item_count,
        sessions.returned_quantity,
        sessions.created_at,
        sessions.sync_mode,
        sessions.synced_at
    from sessions
    left join core.customer_identities as profiles
        on (profiles.source, profiles.environment, profiles.connection, profiles.source_customer_id)
        = ('talonone', sessions.environment, sessions.connection, sessions.profile_integration_id)
)

select * from final
