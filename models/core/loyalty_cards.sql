-- grain: one row per Talon.One loyalty card and profile it is registered to (one row with no profile for a card nobody registered)
-- unique: environment, loyalty_program_id, source_card_id, integration_id
-- not_null: loyalty_card_id, environment, connection, loyalty_program_id, source_card_id, card_code, status, is_registered, current_points, pending_points, spent_points, expired_points, negative_points, created_at
with landed as (
    -- A program connected to several Applications lists the same cards to each of their connections: keep one copy.
    select * from staging.stg_talonone__loyalty_cards
    qualify row_number() over (partition by environment, loyalty_program_id, card_id order by synced_at desc, connection) = 1
),

programs as (
    select environment, loyalty_program_id, arg_max(program_name, synced_at) as program_name
    from staging.stg_talonone__loyalty_programs
    group by all
),

-- A card lists the profiles registered to it; a card with none stays, unregistered.
registrations as (
    select landed.*, registration.integration_id, registration.registered_at
    from landed, unnest(landed.registrations) as r(registration)
    union all by name
    select landed.*, null::varchar as integration_id, null::timestamptz as registered_at
    from landed
    where len(landed.registrations) = 0
),

final as (
    select
        'talonone:' || registrations.connection || ':' || registrations.card_id as loyalty_card_id,
        holders.customer_id,
        registrations.environment,
        registrations.connection,
        registrations.card_id as source_card_id,
        registrations.loyalty_program_id,
        programs.program_name,
        registrations.card_code,
        registrations.status,
        registrations.block_reason,
        registrations.integration_id,
        registrations.integration_id is not null as is_registered,
        registrations.registered_at,
        -- The card's ledger: points belong to the card, shared by everyone registered to it.
        registrations.current_points,
        registrations.pending_points,
        registrations.spent_points,
        registrations.expired_points,
        registrations.negative_points,
        registrations.current_tier,
        registrations.created_at,
        registrations.synced_at
    from registrations
    left join programs using (environment, loyalty_program_id)
    left join core.customer_identities as holders
        on (holders.source, holders.environment, holders.connection, holders.source_customer_id)
        = ('talonone', registrations.environment, registrations.connection, registrations.integration_id)
)

select * from final
