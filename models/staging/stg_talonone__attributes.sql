-- grain: one row per Talon.One custom customer-profile attribute available in a connection's Application, the newest landed version
-- unique: connection, attribute_id
-- unique: connection, attribute_name
-- not_null: environment, connection, attribute_id, attribute_name, title, attribute_type, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"entity": "VARCHAR", "name": "VARCHAR", "title": "VARCHAR", "type": "VARCHAR", "description": "VARCHAR", "created": "VARCHAR", "subscribedApplicationsIds": "JSON"}') as p
    from raw_latest.talonone__attributes
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as attribute_id,
        -- The key in a profile's `attributes`.
        p.name as attribute_name,
        p.title as title,
        nullif(trim(p.description), '') as description,
        -- string, number, boolean, time, (list string), (list number), (list time), location, (list location).
        p.type as attribute_type,
        (p."subscribedApplicationsIds")::bigint[] as application_ids,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
    -- The connector asks for customer-profile attributes only; other entities' would name other records.
    where p.entity = 'CustomerProfile'
)

select * from renamed
