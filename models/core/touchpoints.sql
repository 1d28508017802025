-- grain: one row per marketing touch a person had: the CRM's first and latest touch, the UTM tags on a Stripe customer, and UTM tags on orders
-- unique: touchpoint_id
-- not_null: touchpoint_id, customer_id, environment, touched_at, touch_type, origin
with field_values as (
    select
        values.environment,
        values.connection,
        values.contact_id,
        upper(fields.perstag) as perstag,
        values.value,
        values.created_at,
        values.updated_at
    from staging.stg_activecampaign__field_values as values
    join staging.stg_activecampaign__fields as fields using (environment, connection, field_id)
    where nullif(trim(values.value), '') is not null
),

contacts as (
    select
        environment,
        connection,
        contact_id,
        max(value) filter (where perstag = 'UTM_SOURCE') as utm_source,
        max(value) filter (where perstag = 'UTM_MEDIUM') as utm_medium,
        max(value) filter (where perstag = 'UTM_CAMPAIGN') as utm_campaign,
        max(value) filter (where perstag = 'UTM_CONTENT') as utm_content,
        max(value) filter (where perstag = 'UTM_TERM') as utm_term,
        min(created_at) filter (where perstag in ('UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN')) as first_touched_at,
        max(value) filter (where perstag = 'LATEST_TOUCH_CAMPAIGN') as latest_campaign,
        -- The latest-touch field is rewritten at each touch: its last update is when that touch was.
        max(updated_at) filter (where perstag = 'LATEST_TOUCH_CAMPAIGN') as latest_touched_at
    from field_values
    group by all
),

crm_touches as (
    select environment, connection, 'activecampaign' as origin, contact_id::varchar as source_customer_id,
        'first_touch' as touch_type, first_touched_at as touched_at, utm_source, utm_medium, utm_campaign, utm_content, utm_term, 'contact:' || contact_id as origin_id
    from contacts where first_touched_at is not null
    union all
    select environment, connection, 'activecampaign', contact_id::varchar,
        'latest_touch', latest_touched_at, null, null, latest_campaign, null, null, 'contact:' || contact_id
    from contacts where latest_touched_at is not null
),

identities as (
    select environment, source, connection, source_customer_id, customer_id from core.customer_identities
),

crm as (
    select identities.customer_id, crm_touches.*
    from crm_touches
    join identities
        on identities.environment = crm_touches.environment
        and identities.source = 'activecampaign'
        and identities.connection = crm_touches.connection
        and identities.source_customer_id = crm_touches.source_customer_id
),

-- A Stripe customer whose sign-up wrote its UTM tags on it (`metadata.utm_*`): a first touch when the
-- customer was created, as the CRM's UTM fields are one when the contact got them.
stripe_customer_touches as (
    select identities.customer_id, customers.environment, customers.connection, 'stripe' as origin, 'first_touch' as touch_type,
        customers.created_at as touched_at, customers.utm_source, customers.utm_medium, customers.utm_campaign,
        'customer:' || customers.stripe_customer_id as origin_id
    from staging.stg_stripe__customers as customers
    join identities
        on identities.environment = customers.environment
        and identities.source = 'stripe'
        and identities.connection = customers.connection
        and identities.source_customer_id = customers.stripe_customer_id
    where coalesce(customers.utm_source, customers.utm_medium, customers.utm_campaign) is not null
),

order_touches as (
    select customer_id, environment, connection, source as origin, null as source_customer_id, 'order' as touch_type,
        ordered_at as touched_at, utm_source, utm_medium, utm_campaign, utm_content, utm_term, 'order:' || source_order_id as origin_id
    from core.orders
    where customer_id is not null and coalesce(utm_source, utm_medium, utm_campaign) is not null
),

unioned as (
    select * exclude (source_customer_id) from crm
    union all by name
    select * from stripe_customer_touches
    union all by name
    select * exclude (source_customer_id) from order_touches
)

select
    origin || ':' || connection || ':' || touch_type || ':' || origin_id as touchpoint_id,
    customer_id,
    environment,
    touched_at,
    touch_type,
    origin,
    connection,
    -- A touch with no source is kept and labelled, never dropped.
    coalesce(lower(utm_source), '(direct)') as source,
    coalesce(lower(utm_medium), '(none)') as medium,
    utm_campaign as campaign,
    -- The ad or ad set a paid link names, where its URL parameters put one in content or term.
    nullif(trim(utm_content), '') as content,
    nullif(trim(utm_term), '') as term
from unioned
