-- grain: one row per identity a person has in a source: a source's customer object, or a guest payer's email
-- unique: environment, source, connection, source_customer_id
-- not_null: customer_id, environment, source, connection, source_customer_id
with stripe_customers as (
    select
        environment,
        'stripe' as source,
        connection,
        stripe_customer_id as source_customer_id,
        email,
        name,
        phone,
        zip,
        city,
        country,
        created_at
    from staging.stg_stripe__customers
),

-- Charges without a customer object still name their payer in billing_details.
stripe_guests as (
    select
        environment,
        'stripe' as source,
        connection,
        'guest:' || billing_email as source_customer_id,
        billing_email as email,
        arg_min(billing_name, created_at) as name,
        null::varchar as phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        min(created_at) as created_at
    from staging.stg_stripe__charges
    where stripe_customer_id is null and billing_email is not null
    group by environment, connection, billing_email
),

unioned as (
    select * from stripe_customers
    union all
    select * from stripe_guests
),

final as (
    select
        -- One person per environment and normalized email; an identity without email is its own person.
        md5(case
            when email is not null then environment || '|email|' || email
            else environment || '|' || source || '|' || connection || '|' || source_customer_id
        end) as customer_id,
        *
    from unioned
)

select * from final
