-- grain: one row per subscription; times in the account's time zone (config timezone)
select
    * exclude (started_at, cancelled_at),
    timezone((select timezone from config.settings), started_at) as started_at,
    timezone((select timezone from config.settings), cancelled_at) as cancelled_at
from core.subscriptions
