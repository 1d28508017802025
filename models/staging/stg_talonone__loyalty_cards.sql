-- grain: one row per Talon.One loyalty card of a card-based program per connection, the newest landed version
-- unique: connection, card_id
-- not_null: environment, connection, card_id, loyalty_program_id, card_code, status, current_points, pending_points, spent_points, expired_points, negative_points, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"programID": "VARCHAR", "identifier": "VARCHAR", "status": "VARCHAR", "blockReason": "VARCHAR", "usersPerCardLimit": "VARCHAR", "created": "VARCHAR", "modified": "VARCHAR", "profiles": [{"integrationId": "VARCHAR", "timestamp": "VARCHAR"}], "ledger": {"currentBalance": "VARCHAR", "pendingBalance": "VARCHAR", "spentBalance": "VARCHAR", "expiredBalance": "VARCHAR", "negativeBalance": "VARCHAR", "currentTier": {"name": "VARCHAR"}}}') as p
    from raw_latest.talonone__loyalty_cards
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as card_id,
        (p."programID")::bigint as loyalty_program_id,
        -- What is printed on the card.
        p.identifier as card_code,
        -- active, inactive or blocked.
        p.status as status,
        nullif(trim(p."blockReason"), '') as block_reason,
        (p."usersPerCardLimit")::integer as users_per_card_limit,
        -- The profiles the card is registered to, and when each registered it.
        coalesce(list_transform(p.profiles, r -> {'integration_id': r."integrationId", 'registered_at': (r.timestamp)::timestamptz}), []) as registrations,
        -- The card's ledger as of this landing, in points.
        coalesce((p.ledger."currentBalance")::decimal(18, 2), 0) as current_points,
        coalesce((p.ledger."pendingBalance")::decimal(18, 2), 0) as pending_points,
        coalesce((p.ledger."spentBalance")::decimal(18, 2), 0) as spent_points,
        coalesce((p.ledger."expiredBalance")::decimal(18, 2), 0) as expired_points,
        coalesce((p.ledger."negativeBalance")::decimal(18, 2), 0) as negative_points,
        nullif(p.ledger."currentTier".name, '') as current_tier,
        (p.created)::timestamptz as created_at,
        (p.modified)::timestamptz as modified_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
