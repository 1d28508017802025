-- grain: one row per Amazon order a buyer left seller feedback on, per connection, the newest landed version
-- unique: connection, amazon_order_id
-- not_null: environment, connection, amazon_order_id, rating, left_on
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"Rater Email": "VARCHAR", "Date": "VARCHAR", "Response": "VARCHAR", "cdp_report": {"reportId": "VARCHAR", "marketplaceIds": "JSON"}, "Your Response": "VARCHAR", "Comments": "VARCHAR", "Rating": "VARCHAR"}') as p
    from raw_latest.amazon_seller__feedback
),

fields as (
    select
        environment,
        connection,
        primary_key as amazon_order_id,
        p.cdp_report."marketplaceIds"->>0 as marketplace_id,
        trim(p."Date") as date_text,
        (p."Rating")::integer as rating,
        nullif(trim(p."Comments"), '') as comments,
        nullif(trim(coalesce(p."Your Response", p."Response")), '') as seller_response,
        nullif(lower(trim(p."Rater Email")), '') as rater_email,
        p.cdp_report."reportId" as report_id,
        sync_mode,
        synced_at
    from source
),

dated as (
    select
        *,
        -- The file writes the day the marketplace's way: month first in North America, year first in
        -- Japan, day first with dots in Germany and with slashes elsewhere.
        case
            when marketplace_id in ('ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8', 'A2Q3Y263D00KWC') then strptime(date_text, '%m/%d/%y')
            when marketplace_id = 'A1VC38T7YXB528' then strptime(date_text, '%y/%m/%d')
            when date_text like '%.%' then strptime(date_text, '%d.%m.%y')
            else strptime(date_text, '%d/%m/%y')
        end::date as left_on
    from fields
)

select * exclude (date_text) from dated
