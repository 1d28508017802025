-- grain: one row per payment or store identity whose person matches no CRM contact in its environment
-- unique: environment, source, connection, source_customer_id
-- not_null: customer_id, environment, source, connection, source_customer_id
with identities as (
    select * from core.customer_identities
),

customers as (
    select * from core.customers
),

final as (
    select
        identities.customer_id,
        identities.environment,
        identities.source,
        identities.connection,
        identities.source_customer_id,
        identities.email,
        identities.created_at,
        identities.email is null as has_no_email
    from identities
    join customers using (customer_id)
    where identities.source in ('stripe', 'thrivecart', 'bigcommerce') and not customers.in_crm
)

select * from final
