-- grain: one row per ActiveCampaign Deep Data store integration ("connection") per cdp connection, the newest landed version
-- unique: connection, ecom_connection_id
-- not_null: environment, connection, ecom_connection_id, service, name
with source as (
    select * from raw_latest.activecampaign__connections
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_connection_id,
        payload->>'service' as service,
        nullif(payload->>'externalid', '') as external_id,
        payload->>'name' as name,
        nullif(payload->>'connectionType', '') as connection_type,
        -- The integration's status code as sent: 1 connected and 0 error.
        payload->>'status' as source_status,
        (payload->>'isInternal') = '1' as is_internal,
        (payload->>'cdate')::timestamptz as created_at,
        (payload->>'udate')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
