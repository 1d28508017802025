-- grain: one row per Talon.One customer profile and custom attribute with a value (the attributes `/v1/attributes` defines for the profile's Application)
-- unique: connection, integration_id, attribute_name
-- not_null: environment, connection, integration_id, attribute_name, attribute_type
with definitions as (
    select * from staging.stg_talonone__attributes
),

profiles as (
    select * from staging.stg_talonone__customers
),

valued as (
    select
        profiles.environment,
        profiles.connection,
        profiles.integration_id,
        definitions.attribute_name,
        definitions.title,
        definitions.attribute_type,
        profiles.attributes -> definitions.attribute_name as value
    from definitions
    join profiles using (environment, connection)
    where json_type(profiles.attributes -> definitions.attribute_name) not in ('NULL')
),

final as (
    select
        people.customer_id,
        valued.environment,
        valued.connection,
        valued.integration_id,
        valued.attribute_name,
        valued.title,
        valued.attribute_type,
        -- The value in the column of its type; lists and locations as their JSON text.
        case when valued.attribute_type = 'string' then valued.value ->> '$'
            when valued.attribute_type not in ('number', 'boolean', 'time') then valued.value::varchar end as text_value,
        case when valued.attribute_type = 'number' then try_cast(valued.value ->> '$' as double) end as number_value,
        case when valued.attribute_type = 'time' then try_cast(valued.value ->> '$' as timestamptz) end as time_value,
        case when valued.attribute_type = 'boolean' then try_cast(valued.value ->> '$' as boolean) end as boolean_value
    from valued
    left join core.customer_identities as people
        on (people.source, people.environment, people.connection, people.source_customer_id)
        = ('talonone', valued.environment, valued.connection, valued.integration_id)
)

select * from final
