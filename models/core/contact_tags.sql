-- grain: one row per tag applied to a CRM contact
-- unique: environment, connection, contact_id, tag_id
-- not_null: customer_id, environment, connection, contact_id, tag_id, tag
with applied as (
    select * from staging.stg_activecampaign__contact_tags
),

tags as (
    select * from staging.stg_activecampaign__tags
),

identities as (
    select * from core.customer_identities where source = 'activecampaign'
)

select
    identities.customer_id,
    applied.environment,
    'activecampaign' as source,
    applied.connection,
    applied.contact_id,
    applied.tag_id,
    tags.tag_name as tag,
    min(applied.tagged_at) as applied_at,
    arg_max(applied.sync_mode, applied.synced_at) as sync_mode,
    max(applied.synced_at) as synced_at
from applied
join tags using (environment, connection, tag_id)
join identities
    on identities.environment = applied.environment
    and identities.connection = applied.connection
    and identities.source_customer_id = applied.contact_id::varchar
group by all
