-- grain: one row per person per environment, matched across sources by normalized email
-- unique: customer_id
-- not_null: customer_id, environment, first_seen_at, source_count
with identities as (
    select * from core.customer_identities
),

people as (
    select
        customer_id,
        environment,
        any_value(email) as email,
        -- Attributes come from the CRM contact first, then from the person's earliest identity that has them.
        arg_min(first_name, (not is_crm, created_at)) filter (where first_name is not null) as first_name,
        arg_min(last_name, (not is_crm, created_at)) filter (where last_name is not null) as last_name,
        arg_min(phone, (not is_crm, created_at)) filter (where phone is not null) as phone,
        arg_min(zip, (not is_crm, created_at)) filter (where zip is not null) as zip,
        arg_min(city, (not is_crm, created_at)) filter (where city is not null) as city,
        arg_min(country, (not is_crm, created_at)) filter (where country is not null) as country,
        list(source || ':' || connection || ':' || source_customer_id order by source, connection, source_customer_id) as source_ids,
        list(distinct source order by source) as sources,
        count(distinct source)::integer as source_count,
        bool_or(is_crm) as in_crm,
        min(created_at) as first_seen_at
    from identities
    group by customer_id, environment
)

select * from people
