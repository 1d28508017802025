-- grain: one row per ActiveCampaign identity per connection: a contact (not deleted), or a Deep Data customer as `ecom:<id>`
with contacts as (
    select
        environment,
        'activecampaign' as source,
        connection,
        contact_id::varchar as source_customer_id,
        email,
        first_name,
        last_name,
        phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_activecampaign__contacts
    where not is_deleted
),

-- Deep Data customers are the CRM's copy of a connected store's buyers.
store_customers as (
    select
        environment,
        'activecampaign' as source,
        connection,
        'ecom:' || ecom_customer_id as source_customer_id,
        email,
        null::varchar as first_name,
        null::varchar as last_name,
        null::varchar as phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        updated_at as created_at,
        sync_mode,
        synced_at
    from staging.stg_activecampaign__ecom_customers
),

final as (
    select * from contacts
    union all by name select * from store_customers
)

select * from final
