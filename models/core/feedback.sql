-- grain: one row per marketplace order a buyer rated the seller on, per connection
-- unique: feedback_key
-- not_null: feedback_key, environment, source, connection, source_order_id, order_id, rating, left_on, is_negative
with feedback as (
    select * from staging.stg_amazon_seller__feedback
),

orders as (
    select order_id, customer_id from core.orders
),

settings as (
    select negative_feedback_max_rating from config.settings
),

final as (
    select
        'amazon_seller:' || feedback.connection || ':' || feedback.amazon_order_id as feedback_key,
        feedback.environment,
        'amazon_seller' as source,
        feedback.connection,
        feedback.amazon_order_id as source_order_id,
        'amazon_seller:' || feedback.connection || ':' || feedback.amazon_order_id as order_id,
        orders.customer_id,
        feedback.rating,
        -- Negative as the seller counts it: at or below the configured rating (3 stars by default).
        feedback.rating <= settings.negative_feedback_max_rating as is_negative,
        feedback.left_on,
        feedback.comments,
        feedback.seller_response,
        feedback.rater_email,
        feedback.sync_mode,
        feedback.synced_at
    from feedback
    cross join settings
    left join orders
        on orders.order_id = 'amazon_seller:' || feedback.connection || ':' || feedback.amazon_order_id
)

select * from final
