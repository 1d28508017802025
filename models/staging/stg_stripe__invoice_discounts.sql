-- grain: one row per discount applied to a Stripe invoice per connection, as the invoice's most recently observed version lists it
-- unique: connection, stripe_invoice_id, stripe_discount_id
-- not_null: environment, connection, stripe_invoice_id, stripe_discount_id, discount_minor
-- An invoice names its discounts by id; expanded (the connector asks for it), each is the discount
-- object with its coupon and promotion code. Events carry invoices unexpanded, so a discount's coupon
-- and code come from whichever observed version of any invoice expanded it.
with invoice_versions as (
    select
        environment,
        connection,
        primary_key as stripe_invoice_id,
        json_transform(payload, '{"discounts": ["JSON"], "total_discount_amounts": [{"amount": "VARCHAR", "discount": "JSON"}]}') as p,
        observed_at
    from staging.stg_stripe__object_versions where object_type = 'invoice'
),

-- Every discount object seen: expanded in an invoice, or the object of a discount event.
discount_objects as (
    select environment, connection, d as discount, observed_at
    from invoice_versions, unnest(p.discounts) as u(d)
    where d->>'id' is not null
    union all
    select environment, connection, a.discount, observed_at
    from invoice_versions, unnest(p.total_discount_amounts) as u(a)
    where a.discount->>'id' is not null
    union all
    select environment, connection, payload, observed_at
    from staging.stg_stripe__object_versions where object_type = 'discount'
),

discounts as (
    select
        environment,
        connection,
        discount->>'id' as stripe_discount_id,
        -- Since 2025-09-30.clover the coupon sits under `source`; before, `coupon` held the whole coupon.
        arg_max(coalesce(
            discount->'source'->'coupon'->>'id', discount->'source'->'coupon'->>'$',
            discount->'coupon'->>'id', discount->'coupon'->>'$'
        ), observed_at) as stripe_coupon_id,
        arg_max(coalesce(discount->'promotion_code'->>'id', discount->'promotion_code'->>'$'), observed_at) as stripe_promotion_code_id
    from discount_objects
    group by all
),

latest as (
    select environment, connection, primary_key as stripe_invoice_id,
        json_transform(payload, '{"discounts": ["JSON"], "total_discount_amounts": [{"amount": "VARCHAR", "discount": "JSON"}]}') as p
    from staging.stg_stripe__latest_objects where object_type = 'invoice'
),

-- The discounts the invoice lists, and those it took an amount off for (a line's discount is only there).
applied as (
    select environment, connection, stripe_invoice_id, coalesce(d->>'id', d->>'$') as stripe_discount_id, 0::bigint as amount_minor
    from latest, unnest(p.discounts) as u(d)
    union all
    select environment, connection, stripe_invoice_id, coalesce(a.discount->>'id', a.discount->>'$'), a.amount::bigint
    from latest, unnest(p.total_discount_amounts) as u(a)
),

final as (
    select
        applied.environment,
        applied.connection,
        applied.stripe_invoice_id,
        applied.stripe_discount_id,
        discounts.stripe_coupon_id,
        discounts.stripe_promotion_code_id,
        sum(applied.amount_minor)::bigint as discount_minor
    from applied
    left join discounts using (environment, connection, stripe_discount_id)
    where applied.stripe_discount_id is not null
    group by all
)

select * from final
