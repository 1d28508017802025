-- grain: one row per order; times and the order date in the account's time zone (config timezone)
select
    * exclude (ordered_at, updated_at),
    timezone((select timezone from config.settings), ordered_at) as ordered_at,
    cast(timezone((select timezone from config.settings), ordered_at) as date) as ordered_date,
    timezone((select timezone from config.settings), updated_at) as updated_at
from core.orders
