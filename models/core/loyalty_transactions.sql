-- grain: one row per entry of a Talon.One loyalty ledger: points added to or deducted from a profile's main ledger or a subledger in a program
-- unique: loyalty_transaction_id
-- unique: environment, loyalty_program_id, transaction_id
-- not_null: loyalty_transaction_id, environment, connection, loyalty_program_id, transaction_id, transaction_type, points, points_change, subledger_id, start_date, expiry_date, is_on_action, created_at
with landed as (
    -- A program connected to several Applications lists the same ledger to each of their connections: keep one copy.
    select * from staging.stg_talonone__loyalty_transactions
    qualify row_number() over (
        partition by environment, loyalty_program_id, transaction_id
        order by synced_at desc, connection
    ) = 1
),

programs as (
    select environment, loyalty_program_id, arg_max(program_name, synced_at) as program_name
    from staging.stg_talonone__loyalty_programs
    group by all
),

-- A deduction made for a session that had added points earlier is that session's rollback (a
-- return or a cancellation): it takes back the session's most recent addition in the same ledger.
rollbacks as (
    select
        deduction.environment,
        deduction.loyalty_program_id,
        deduction.transaction_id,
        max(addition.transaction_id) as takes_back_transaction_id
    from landed as deduction
    join landed as addition
        on addition.environment = deduction.environment
        and addition.loyalty_program_id = deduction.loyalty_program_id
        and addition.integration_id = deduction.integration_id
        and addition.subledger_id = deduction.subledger_id
        and addition.session_integration_id = deduction.session_integration_id
        and addition.transaction_type = 'addition'
        and addition.transaction_id < deduction.transaction_id
    where deduction.transaction_type = 'subtraction'
    group by all
),

final as (
    select
        'talonone:' || landed.loyalty_program_id || ':' || landed.transaction_id as loyalty_transaction_id,
        profiles.customer_id,
        landed.environment,
        landed.connection,
        landed.loyalty_program_id,
        programs.program_name,
        landed.transaction_id,
        landed.transaction_uuid,
        landed.transaction_type,
        landed.points,
        case when landed.transaction_type = 'subtraction' then -landed.points else landed.points end as points_change,
        landed.subledger_id,
        landed.integration_id,
        landed.card_identifier,
        landed.transaction_name,
        landed.campaign_id,
        landed.session_integration_id,
        case when landed.session_integration_id is not null then 'talonone:' || landed.connection || ':' || landed.session_integration_id end as order_id,
        rollbacks.takes_back_transaction_id,
        landed.start_date,
        landed.starts_at,
        landed.is_on_action,
        landed.expiry_date,
        landed.expires_at,
        landed.user_email,
        landed.created_at,
        landed.sync_mode,
        landed.synced_at
    from landed
    left join core.customer_identities as profiles
        on (profiles.source, profiles.environment, profiles.connection, profiles.source_customer_id)
        = ('talonone', landed.environment, landed.connection, landed.integration_id)
    left join programs
        on programs.environment = landed.environment
        and programs.loyalty_program_id = landed.loyalty_program_id
    left join rollbacks
        on rollbacks.environment = landed.environment
        and rollbacks.loyalty_program_id = landed.loyalty_program_id
        and rollbacks.transaction_id = landed.transaction_id
)

select * from final
