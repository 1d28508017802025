-- grain: one row per entry of a Talon.One loyalty program's ledger per connection, the newest landed version
-- unique: connection, loyalty_program_id, transaction_id
-- not_null: environment, connection, loyalty_program_id, transaction_id, transaction_type, points, subledger_id, start_date, expiry_date, is_on_action, created_at
with source as (
    select * from raw_latest.talonone__loyalty_transactions
),

renamed as (
    select
        environment,
        connection,
        (payload->>'programId')::bigint as loyalty_program_id,
        (payload->>'id')::bigint as transaction_id,
        payload->>'transactionUUID' as transaction_uuid,
        -- addition or subtraction; `points` is always positive.
        payload->>'type' as transaction_type,
        (payload->>'amount')::decimal(18, 2) as points,
        payload->>'name' as transaction_name,
        -- '' is the program's main ledger.
        payload->>'subledgerId' as subledger_id,
        -- The profile's integration id; entries of loyalty cards name a card instead.
        nullif(payload->>'customerProfileId', '') as integration_id,
        nullif(payload->>'cardIdentifier', '') as card_identifier,
        -- The session (order) the entry was made for: its integration id.
        nullif(payload->>'customerSessionId', '') as session_integration_id,
        (payload->>'campaignId')::bigint as campaign_id,
        (payload->>'rulesetId')::bigint as ruleset_id,
        nullif(payload->>'ruleName', '') as rule_name,
        nullif(payload->>'userEmail', '') as user_email,
        -- `immediate` / `on_action` (pending until the customer acts) / the instant the points become active.
        payload->>'startDate' as start_date,
        payload->>'startDate' = 'on_action' as is_on_action,
        case
            when payload->>'startDate' = 'immediate' then (payload->>'created')::timestamptz
            when payload->>'startDate' = 'on_action' then null
            else (payload->>'startDate')::timestamptz
        end as starts_at,
        -- `unlimited` or the instant the points expire (printed in the program's time zone).
        payload->>'expiryDate' as expiry_date,
        case when payload->>'expiryDate' <> 'unlimited' then (payload->>'expiryDate')::timestamptz end as expires_at,
        coalesce((payload->'flags'->>'createsNegativeBalance')::boolean, false) as creates_negative_balance,
        (payload->>'created')::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
