-- grain: one row per identity a person has in a source: a CRM contact, a payment or store account, a guest payer's email, a Talon.One customer profile
-- unique: environment, source, connection, source_customer_id
-- not_null: customer_id, environment, source, connection, source_customer_id, is_crm
with crm_contacts as (
    select
        environment,
        'activecampaign' as source,
        connection,
        contact_id::varchar as source_customer_id,
        email,
        first_name,
        last_name,
        phone,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_activecampaign__contacts
    where not is_deleted
),

-- Deep Data customers are the CRM's copy of a connected store's buyers.
crm_store_customers as (
    select
        environment,
        'activecampaign' as source,
        connection,
        'ecom:' || ecom_customer_id as source_customer_id,
        email,
        updated_at as created_at,
        sync_mode,
        synced_at
    from staging.stg_activecampaign__ecom_customers
),

stripe_customers as (
    select
        environment,
        'stripe' as source,
        connection,
        stripe_customer_id as source_customer_id,
        email,
        nullif(split_part(name, ' ', 1), '') as first_name,
        nullif(trim(substr(name, length(split_part(name, ' ', 1)) + 1)), '') as last_name,
        phone,
        zip,
        city,
        country,
        created_at,
        sync_mode,
        synced_at
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
        nullif(split_part(arg_min(billing_name, created_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_min(billing_name, created_at), length(split_part(arg_min(billing_name, created_at), ' ', 1)) + 1)), '') as last_name,
        min(created_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_stripe__charges
    where stripe_customer_id is null and billing_email is not null
    group by environment, connection, billing_email
),

-- ThriveCart has no customer list: its buyers are named on their transactions.
thrivecart_customers as (
    select
        environment,
        'thrivecart' as source,
        connection,
        customer_id as source_customer_id,
        arg_max(customer_email, occurred_at) as email,
        nullif(split_part(arg_max(customer_name, occurred_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_max(customer_name, occurred_at), length(split_part(arg_max(customer_name, occurred_at), ' ', 1)) + 1)), '') as last_name,
        min(occurred_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_thrivecart__transactions
    where customer_id is not null
    group by environment, connection, customer_id
),

bigcommerce_customers as (
    select
        environment,
        'bigcommerce' as source,
        connection,
        customer_id::varchar as source_customer_id,
        email,
        first_name,
        last_name,
        phone,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_bigcommerce__customers
),

-- Guest checkouts (and abandoned ones) name their buyer in the billing address only.
bigcommerce_guests as (
    select
        environment,
        'bigcommerce' as source,
        connection,
        'guest:' || billing_email as source_customer_id,
        billing_email as email,
        arg_min(billing_first_name, created_at) as first_name,
        arg_min(billing_last_name, created_at) as last_name,
        arg_min(billing_country_code, created_at) as country,
        min(created_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_bigcommerce__orders
    where customer_id is null and billing_email is not null
    group by environment, connection, billing_email
),

-- A Talon.One customer profile of an Application: attributes as the integration sends them.
talonone_profiles as (
    select
        environment,
        'talonone' as source,
        connection,
        integration_id as source_customer_id,
        email,
        first_name,
        last_name,
        shipping_city as city,
        shipping_country as country,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_talonone__customers
),

-- A marketplace buyer is known by the anonymized address Amazon relays their mail through, the same
-- for every order they place with this seller; it never matches another source's email.
amazon_buyers as (
    select
        environment,
        'amazon_seller' as source,
        connection,
        buyer_email as source_customer_id,
        buyer_email as email,
        nullif(split_part(arg_max(buyer_name, purchased_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_max(buyer_name, purchased_at), length(split_part(arg_max(buyer_name, purchased_at), ' ', 1)) + 1)), '') as last_name,
        arg_max(ship_postal_code, purchased_at) filter (where ship_postal_code is not null) as zip,
        arg_max(ship_city, purchased_at) filter (where ship_city is not null) as city,
        arg_max(ship_country_code, purchased_at) filter (where ship_country_code is not null) as country,
        min(purchased_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_amazon_seller__orders
    where buyer_email is not null
    group by environment, connection, buyer_email
),

unioned as (
    -- By name: a column a source does not have is NULL.
    select * from crm_contacts
    union all by name select * from crm_store_customers
    union all by name select * from stripe_customers
    union all by name select * from stripe_guests
    union all by name select * from thrivecart_customers
    union all by name select * from bigcommerce_customers
    union all by name select * from bigcommerce_guests
    union all by name select * from talonone_profiles
    union all by name select * from amazon_buyers
),

final as (
    select
        -- One person per environment and normalized email; an identity without email is its own person.
        -- A Talon.One profile is one per integration id across the Applications of an environment.
        md5(case
            when email is not null then environment || '|email|' || email
            when source = 'talonone' then environment || '|talonone|' || source_customer_id
            else environment || '|' || source || '|' || connection || '|' || source_customer_id
        end) as customer_id,
        *,
        source = 'activecampaign' as is_crm
    from unioned
)

select * from final
