-- grain: one row per returned item of one Amazon return request per connection, the newest landed version
-- unique: connection, return_key
-- not_null: environment, connection, return_key, amazon_order_id, return_requested_on, return_quantity
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"Category": "VARCHAR", "Item Name": "VARCHAR", "Return delivery date": "VARCHAR", "Order ID": "VARCHAR", "Currency code": "VARCHAR", "Order date": "VARCHAR", "Amazon RMA ID": "VARCHAR", "Order quantity": "VARCHAR", "Return quantity": "VARCHAR", "cdp_report": {"reportId": "VARCHAR"}, "Order Amount": "VARCHAR", "Resolution": "VARCHAR", "Merchant SKU": "VARCHAR", "In policy": "VARCHAR", "Label cost": "VARCHAR", "Return request status": "VARCHAR", "Return Reason": "VARCHAR", "Refunded Amount": "VARCHAR", "Return request date": "VARCHAR", "ASIN": "VARCHAR", "Return type": "VARCHAR", "A-to-Z Claim": "VARCHAR"}') as p
    from raw_latest.amazon_seller__returns
),

-- The flat file writes a blank as a single space and every value as text.
fields as (
    select
        environment,
        connection,
        primary_key as return_key,
        nullif(trim(p."Order ID"), '') as amazon_order_id,
        nullif(trim(p."Amazon RMA ID"), '') as amazon_rma_id,
        -- Days as `10-Jul-2025`, in the marketplace's calendar.
        strptime(trim(p."Order date"), '%d-%b-%Y')::date as ordered_on,
        strptime(trim(p."Return request date"), '%d-%b-%Y')::date as return_requested_on,
        try_strptime(nullif(trim(p."Return delivery date"), ''), '%d-%b-%Y')::date as return_delivered_on,
        nullif(trim(p."Return request status"), '') as return_status,
        nullif(trim(p."ASIN"), '') as asin,
        nullif(trim(p."Merchant SKU"), '') as seller_sku,
        nullif(trim(p."Item Name"), '') as item_name,
        nullif(trim(p."Category"), '') as category,
        trim(p."Return quantity")::integer as return_quantity,
        try_cast(nullif(trim(p."Order quantity"), '') as integer) as order_quantity,
        nullif(trim(p."Return Reason"), '') as return_reason,
        nullif(trim(p."Resolution"), '') as resolution,
        nullif(trim(p."Return type"), '') as return_type,
        trim(p."In policy") = 'Y' as is_in_policy,
        trim(p."A-to-Z Claim") = 'Y' as is_a_to_z_claim,
        upper(nullif(trim(p."Currency code"), '')) as currency,
        round(try_cast(nullif(trim(p."Order Amount"), '') as decimal(18, 4)) * 100)::bigint as order_amount_minor,
        -- Empty until Amazon refunds the buyer.
        round(try_cast(nullif(trim(p."Refunded Amount"), '') as decimal(18, 4)) * 100)::bigint as refunded_minor,
        round(try_cast(nullif(trim(p."Label cost"), '') as decimal(18, 4)) * 100)::bigint as label_cost_minor,
        p.cdp_report."reportId" as report_id,
        sync_mode,
        synced_at
    from source
)

select * from fields
