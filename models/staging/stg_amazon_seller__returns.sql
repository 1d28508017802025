-- grain: one row per returned item of one Amazon return request per connection, the newest landed version
-- unique: connection, return_key
-- not_null: environment, connection, return_key, amazon_order_id, return_requested_on, return_quantity
with source as (
    select * from raw_latest.amazon_seller__returns
),

-- The flat file writes a blank as a single space and every value as text.
fields as (
    select
        environment,
        connection,
        primary_key as return_key,
        nullif(trim(payload->>'Order ID'), '') as amazon_order_id,
        nullif(trim(payload->>'Amazon RMA ID'), '') as amazon_rma_id,
        -- Days as `10-Jul-2025`, in the marketplace's calendar.
        strptime(trim(payload->>'Order date'), '%d-%b-%Y')::date as ordered_on,
        strptime(trim(payload->>'Return request date'), '%d-%b-%Y')::date as return_requested_on,
        try_strptime(nullif(trim(payload->>'Return delivery date'), ''), '%d-%b-%Y')::date as return_delivered_on,
        nullif(trim(payload->>'Return request status'), '') as return_status,
        nullif(trim(payload->>'ASIN'), '') as asin,
        nullif(trim(payload->>'Merchant SKU'), '') as seller_sku,
        nullif(trim(payload->>'Item Name'), '') as item_name,
        nullif(trim(payload->>'Category'), '') as category,
        trim(payload->>'Return quantity')::integer as return_quantity,
        try_cast(nullif(trim(payload->>'Order quantity'), '') as integer) as order_quantity,
        nullif(trim(payload->>'Return Reason'), '') as return_reason,
        nullif(trim(payload->>'Resolution'), '') as resolution,
        nullif(trim(payload->>'Return type'), '') as return_type,
        trim(payload->>'In policy') = 'Y' as is_in_policy,
        trim(payload->>'A-to-Z Claim') = 'Y' as is_a_to_z_claim,
        upper(nullif(trim(payload->>'Currency code'), '')) as currency,
        round(try_cast(nullif(trim(payload->>'Order Amount'), '') as decimal(18, 4)) * 100)::bigint as order_amount_minor,
        -- Empty until Amazon refunds the buyer.
        round(try_cast(nullif(trim(payload->>'Refunded Amount'), '') as decimal(18, 4)) * 100)::bigint as refunded_minor,
        round(try_cast(nullif(trim(payload->>'Label cost'), '') as decimal(18, 4)) * 100)::bigint as label_cost_minor,
        payload->'cdp_report'->>'reportId' as report_id,
        sync_mode,
        synced_at
    from source
)

select * from fields
