-- grain: one row per identity a person has in a source: a CRM contact, a payment or store account, a guest payer's email, a Talon.One customer profile
-- unique: environment, source, connection, source_customer_id
-- not_null: customer_id, environment, source, connection, source_customer_id, is_crm
with unioned as (
    -- Every branch has the same columns; by name, a branch listing them in another order still lines up.
    select * from intermediate.int_activecampaign__customer_identities
    union all by name select * from intermediate.int_stripe__customer_identities
    union all by name select * from intermediate.int_thrivecart__customer_identities
    union all by name select * from intermediate.int_bigcommerce__customer_identities
    union all by name select * from intermediate.int_talonone__customer_identities
    union all by name select * from intermediate.int_amazon_seller__customer_identities
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
        environment,
        source,
        connection,
        source_customer_id,
        email,
        first_name,
        last_name,
        phone,
        created_at,
        sync_mode,
        synced_at,
        zip,
        city,
        country,
        source = 'activecampaign' as is_crm
    from unioned
)

select * from final
