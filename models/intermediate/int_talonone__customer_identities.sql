-- grain: one row per Talon.One customer profile per connection (an Application), by integration id
with profiles as (
    select * from staging.stg_talonone__customers
),

-- Attributes as the integration sends them.
final as (
    select
        environment,
        'talonone' as source,
        connection,
        integration_id as source_customer_id,
        email,
        first_name,
        last_name,
        null::varchar as phone,
        null::varchar as zip,
        shipping_city as city,
        shipping_country as country,
        created_at,
        sync_mode,
        synced_at
    from profiles
)

select * from final
