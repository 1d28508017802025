-- grain: one row per conversion: a lead (a CRM contact created), a customer (a first paid order, or the first customer tag where tags define customers), a paid order
-- unique: conversion_id
-- unique: conversion_key
-- not_null: conversion_id, conversion_key, kind, customer_id, environment, converted_at, currency
with settings as (
    select * from config.settings
),

leads as (
    select
        'lead:' || customer_id as conversion_id,
        'lead' as kind,
        customer_id,
        environment,
        min(created_at) as converted_at
    from core.customer_identities
    where source = 'activecampaign' and source_customer_id not like 'ecom:%' and created_at is not null
    group by customer_id, environment
),

customer_tags as (
    select tags.customer_id, min(tags.applied_at) as first_tagged_at
    from core.contact_tags as tags
    join config.customer_tags as rules
        on (rules.match = 'equals' and lower(trim(tags.tag)) = lower(trim(rules.value)))
        or (rules.match = 'contains' and contains(lower(tags.tag), lower(rules.value)))
    group by tags.customer_id
),

customers as (
    select
        'customer:' || metrics.customer_id as conversion_id,
        'customer' as kind,
        metrics.customer_id,
        metrics.environment,
        case when metrics.is_paying_customer then metrics.first_order_at else customer_tags.first_tagged_at end as converted_at
    from marts.customer_metrics as metrics
    left join customer_tags using (customer_id)
    where metrics.is_customer
),

-- Revenue in the reporting currency: invoiced is the order total, collected what was kept after refunds.
orders as (
    select
        'order:' || orders.order_id as conversion_id,
        'order' as kind,
        orders.customer_id,
        orders.environment,
        orders.ordered_at as converted_at,
        orders.order_id,
        round(orders.total_minor * rates.rate)::bigint as invoiced_minor,
        round(orders.net_minor * rates.rate)::bigint as collected_minor,
        case when rates.rate is null then orders.currency end as unconverted_currency
    from core.orders as orders
    left join config.currency_rates as rates using (currency)
    where orders.counts_as_revenue
        and orders.status in ('paid', 'partially_refunded', 'refunded')
        and orders.customer_id is not null
)

select
    *,
    (select reporting_currency from settings) as currency,
    -- An integer key for the joins and windows of the attribution layer (text ids are slow to join); it holds within one build.
    row_number() over ()::integer as conversion_key
from (
    select * from leads
    union all by name select * from customers where converted_at is not null
    union all by name select * from orders
)
