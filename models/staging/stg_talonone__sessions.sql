-- grain: one row per Talon.One customer session (a cart or order) per connection, the newest landed version
-- unique: connection, session_id
-- unique: connection, session_integration_id
-- not_null: environment, connection, session_id, session_integration_id, state, currency, total_minor, discount_minor, kept_total_minor, item_count, returned_quantity, created_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"total": "VARCHAR", "referral": "VARCHAR", "integrationId": "VARCHAR", "storeIntegrationId": "VARCHAR", "applicationId": "VARCHAR", "profileId": "VARCHAR", "state": "VARCHAR", "coupon": "VARCHAR", "created": "VARCHAR", "profileintegrationid": "VARCHAR", "discounts": "JSON", "cartItems": "JSON"}') as p
    from raw_latest.talonone__sessions
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as session_id,
        p."integrationId" as session_integration_id,
        (p."applicationId")::bigint as application_id,
        (p."profileId")::bigint as profile_id,
        -- Lower-case in the API; empty for anonymous sessions.
        nullif(p.profileintegrationid, '') as profile_integration_id,
        nullif(p."storeIntegrationId", '') as store_integration_id,
        -- One of open / closed / partially_returned / cancelled.
        p.state as state,
        -- The codes entered: a campaign may have rejected them.
        nullif(trim(p.coupon), '') as coupon_code,
        nullif(trim(p.referral), '') as referral_code,
        -- Talon.One sends money as bare numbers in the Application's currency: the connection names it.
        coalesce((select currency from config.connections as c where c.connection = source.connection), (select reporting_currency from config.settings)) as currency,
        -- The cart before discounts.
        round((p.total)::decimal(18, 4) * 100)::bigint as total_minor,
        -- A list of sessions reads totalDiscounts as 0; the labelled `discounts` map (API v1) has the amounts.
        coalesce(list_sum(list_transform(map_values((p.discounts)::map(varchar, decimal(18, 4))), amount -> round(amount * 100)::bigint)), 0)::bigint as discount_minor,
        -- A JSON null stays the JSON value null, as `payload->'discounts'` gives it.
        coalesce(p.discounts, payload->'discounts') as discounts,
        -- What the items not returned are worth before discounts: the session's part of the profile's totalSales.
        coalesce(list_sum(list_transform(
            json_transform(p."cartItems", '[{"price": "DECIMAL(18, 4)", "quantity": "BIGINT", "returnedQuantity": "BIGINT"}]'),
            item -> round(item.price * 100)::bigint * (item.quantity - coalesce(item.returnedQuantity, 0))
        )), 0)::bigint as kept_total_minor,
        coalesce(list_sum(list_transform(json_transform(p."cartItems", '[{"quantity": "BIGINT"}]'), item -> item.quantity)), 0)::bigint as item_count,
        -- Talon.One records returns per item; it keeps no refunded amounts.
        coalesce(list_sum(list_transform(json_transform(p."cartItems", '[{"returnedQuantity": "BIGINT"}]'), item -> coalesce(item.returnedQuantity, 0))), 0)::bigint as returned_quantity,
        -- The cart as typed rows: one per item.
        list_transform(
            json_transform(p."cartItems", '[{"name": "VARCHAR", "sku": "VARCHAR", "category": "VARCHAR", "position": "INTEGER", "quantity": "BIGINT", "returnedQuantity": "BIGINT", "price": "DECIMAL(18, 4)"}]'),
            item -> {'position': item.position, 'sku': item.sku, 'name': item.name, 'category': nullif(item.category, ''), 'quantity': item.quantity, 'returned_quantity': coalesce(item.returnedQuantity, 0), 'price_minor': round(item.price * 100)::bigint}
        ) as cart_items,
        (p.created)::timestamptz as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
