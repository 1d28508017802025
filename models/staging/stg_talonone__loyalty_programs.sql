-- grain: one row per Talon.One loyalty program a connection's Application is subscribed to, the newest landed version
-- unique: connection, loyalty_program_id
-- not_null: environment, connection, loyalty_program_id, program_name, time_zone, is_sandbox, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"name": "VARCHAR", "cardBased": "VARCHAR", "defaultPending": "VARCHAR", "title": "VARCHAR", "defaultValidity": "VARCHAR", "created": "VARCHAR", "returnPolicy": "VARCHAR", "allowSubledger": "VARCHAR", "sandbox": "VARCHAR", "timezone": "VARCHAR", "subscribedApplications": "JSON"}') as p
    from raw_latest.talonone__loyalty_programs
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as loyalty_program_id,
        p.name as program_name,
        nullif(trim(p.title), '') as title,
        (p.sandbox)::boolean as is_sandbox,
        (p."cardBased")::boolean as is_card_based,
        (p."allowSubledger")::boolean as allows_subledgers,
        -- The zone that relative dates (end of day or month) are counted in; dates are printed with its offset.
        p.timezone as time_zone,
        -- Rules for points earned without their own: `immediate` or a delay; `unlimited` or a validity.
        p."defaultPending" as default_pending,
        p."defaultValidity" as default_validity,
        nullif(p."returnPolicy", '') as return_policy,
        (p."subscribedApplications")::bigint[] as subscribed_application_ids,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
