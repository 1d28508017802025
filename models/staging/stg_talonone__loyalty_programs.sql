-- grain: one row per Talon.One loyalty program a connection's Application is subscribed to, the newest landed version
-- unique: connection, loyalty_program_id
-- not_null: environment, connection, loyalty_program_id, program_name, time_zone, is_sandbox, created_at
with source as (
    select * from raw_latest.talonone__loyalty_programs
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as loyalty_program_id,
        payload->>'name' as program_name,
        nullif(trim(payload->>'title'), '') as title,
        (payload->>'sandbox')::boolean as is_sandbox,
        (payload->>'cardBased')::boolean as is_card_based,
        (payload->>'allowSubledger')::boolean as allows_subledgers,
        -- The zone that relative dates (end of day or month) are counted in; dates are printed with its offset.
        payload->>'timezone' as time_zone,
        -- Rules for points earned without their own: `immediate` or a delay; `unlimited` or a validity.
        payload->>'defaultPending' as default_pending,
        payload->>'defaultValidity' as default_validity,
        nullif(payload->>'returnPolicy', '') as return_policy,
        (payload->'subscribedApplications')::bigint[] as subscribed_application_ids,
        (payload->>'created')::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
