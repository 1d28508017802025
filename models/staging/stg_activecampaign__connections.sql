-- grain: one row per ActiveCampaign Deep Data store integration ("connection") per cdp connection, the newest landed version
-- unique: connection, ecom_connection_id
-- not_null: environment, connection, ecom_connection_id, service, name
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"connectionType": "VARCHAR", "isInternal": "VARCHAR", "udate": "VARCHAR", "name": "VARCHAR", "service": "VARCHAR", "cdate": "VARCHAR", "externalid": "VARCHAR", "status": "VARCHAR"}') as p
    from raw_latest.activecampaign__connections
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_connection_id,
        p.service as service,
        nullif(p.externalid, '') as external_id,
        p.name as name,
        nullif(p."connectionType", '') as connection_type,
        -- The integration's status code as sent: 1 connected and 0 error.
        p.status as source_status,
        (p."isInternal") = '1' as is_internal,
        (p.cdate)::timestamptz as created_at,
        (p.udate)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
