-- grain: one row per connection: the Talon.One Application it reads, the newest landed version
-- unique: connection
-- not_null: environment, connection, application_id, application_name, time_zone, currency, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"name": "VARCHAR", "timezone": "VARCHAR", "currency": "VARCHAR", "sandbox": "VARCHAR", "created": "VARCHAR", "modified": "VARCHAR"}') as p
    from raw_latest.talonone__applications
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as application_id,
        p.name as application_name,
        -- The zone per-profile budgets reset in (a monthly budget starts again on the 1st there).
        p.timezone as time_zone,
        upper(p.currency) as currency,
        coalesce((p.sandbox)::boolean, false) as is_sandbox,
        (p.created)::timestamptz as created_at,
        (p.modified)::timestamptz as modified_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
