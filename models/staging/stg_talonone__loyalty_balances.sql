-- grain: one row per ledger (the main ledger and each subledger) of a profile in a Talon.One loyalty program per connection, as the newest landed balances answer reported it
-- unique: connection, loyalty_program_id, integration_id, subledger_id
-- not_null: environment, connection, loyalty_program_id, integration_id, subledger_id, active_points, pending_points, spent_points, expired_points, negative_points, synced_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"cdp_parent": {"loyaltyProgramId": "VARCHAR", "integrationId": "VARCHAR"}, "balance": "JSON", "subledgerBalances": "JSON"}') as p
    from raw_latest.talonone__loyalty_balances
),

-- The answer holds the main ledger's balance beside a map of subledger balances: one row each, the main ledger as ''.
ledgers as (
    select
        source.*,
        '' as ledger_id,
        p.balance as ledger_balance
    from source
    union all
    select
        source.*,
        entry.key as ledger_id,
        entry.value as ledger_balance
    from source, unnest(map_entries(coalesce(p."subledgerBalances", '{}')::map(varchar, json))) as entries(entry)
),

renamed as (
    select
        environment,
        connection,
        -- The answer names neither the program nor the profile: the connector adds them from the request path.
        (p.cdp_parent."loyaltyProgramId")::bigint as loyalty_program_id,
        p.cdp_parent."integrationId" as integration_id,
        ledger_id as subledger_id,
        coalesce((ledger_balance->>'activePoints')::decimal(18, 2), 0) as active_points,
        coalesce((ledger_balance->>'pendingPoints')::decimal(18, 2), 0) as pending_points,
        coalesce((ledger_balance->>'spentPoints')::decimal(18, 2), 0) as spent_points,
        coalesce((ledger_balance->>'expiredPoints')::decimal(18, 2), 0) as expired_points,
        coalesce((ledger_balance->>'negativePoints')::decimal(18, 2), 0) as negative_points,
        nullif(ledger_balance->'currentTier'->>'name', '') as current_tier,
        -- The balances as of this landing: Talon.One answers the current figures.
        sync_mode,
        synced_at
    from ledgers
)

select * from renamed
