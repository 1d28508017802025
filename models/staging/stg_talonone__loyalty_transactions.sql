-- grain: one row per entry of a Talon.One loyalty program's ledger per connection, the newest landed version
-- unique: connection, loyalty_program_id, transaction_id
-- not_null: environment, connection, loyalty_program_id, transaction_id, transaction_type, points, subledger_id, start_date, expiry_date, is_on_action, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"cardIdentifier": "VARCHAR", "rulesetId": "VARCHAR", "startDate": "VARCHAR", "name": "VARCHAR", "type": "VARCHAR", "customerSessionId": "VARCHAR", "campaignId": "VARCHAR", "id": "VARCHAR", "programId": "VARCHAR", "subledgerId": "VARCHAR", "created": "VARCHAR", "expiryDate": "VARCHAR", "customerProfileId": "VARCHAR", "userEmail": "VARCHAR", "transactionUUID": "VARCHAR", "ruleName": "VARCHAR", "flags": {"createsNegativeBalance": "VARCHAR"}, "amount": "VARCHAR"}') as p
    from raw_latest.talonone__loyalty_transactions
),

dates as (
    -- As plain columns: DuckDB would cast a struct field in a CASE branch on every row, and the
    -- words `immediate`, `on_action` and `unlimited` are no timestamps.
    select *, p."startDate" as start_date_text, p."expiryDate" as expiry_date_text, p.created as created_text
    from source
),

renamed as (
    select
        environment,
        connection,
        (p."programId")::bigint as loyalty_program_id,
        (p.id)::bigint as transaction_id,
        p."transactionUUID" as transaction_uuid,
        -- addition or subtraction; `points` is always positive.
        p.type as transaction_type,
        (p.amount)::decimal(18, 2) as points,
        p.name as transaction_name,
        -- '' is the program's main ledger.
        p."subledgerId" as subledger_id,
        -- The profile's integration id; entries of loyalty cards name a card instead.
        nullif(p."customerProfileId", '') as integration_id,
        nullif(p."cardIdentifier", '') as card_identifier,
        -- The session (order) the entry was made for: its integration id.
        nullif(p."customerSessionId", '') as session_integration_id,
        (p."campaignId")::bigint as campaign_id,
        (p."rulesetId")::bigint as ruleset_id,
        nullif(p."ruleName", '') as rule_name,
        nullif(p."userEmail", '') as user_email,
        -- `immediate` / `on_action` (pending until the customer acts) / the instant the points become active.
        p."startDate" as start_date,
        p."startDate" = 'on_action' as is_on_action,
        case
            when start_date_text = 'immediate' then created_text::timestamptz
            when start_date_text = 'on_action' then null
            else start_date_text::timestamptz
        end as starts_at,
        -- `unlimited` or the instant the points expire (printed in the program's time zone).
        p."expiryDate" as expiry_date,
        case when expiry_date_text <> 'unlimited' then expiry_date_text::timestamptz end as expires_at,
        coalesce((p.flags."createsNegativeBalance")::boolean, false) as creates_negative_balance,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from dates
)

select * from renamed
