-- grain: one row per marketing touch a person had (core.touchpoints), with its ad platform and campaign id where known
-- unique: touchpoint_id
-- not_null: touchpoint_id, customer_id, environment, touched_at, source, medium, campaign, channel, is_direct
with touchpoints as (
    select * from core.touchpoints
),

-- A touch names its campaign as UTM text; the ad account names the same campaign, so the two meet by name.
ad_campaigns as (
    select environment, lower(campaign_name) as campaign_key, min(platform) as platform, min(campaign_id) as campaign_id
    from core.ad_spend
    where campaign_name is not null
    group by all
),

final as (
    select
        touchpoints.touchpoint_id,
        touchpoints.customer_id,
        touchpoints.environment,
        touchpoints.touched_at,
        touchpoints.touch_type,
        touchpoints.origin,
        touchpoints.source,
        touchpoints.medium,
        coalesce(lower(nullif(trim(touchpoints.campaign), '')), '(none)') as campaign,
        coalesce(
            ad_campaigns.platform,
            case
                when touchpoints.source in ('facebook', 'fb', 'instagram', 'ig', 'meta') then 'facebook_ads'
                when touchpoints.source in ('google', 'adwords') and touchpoints.medium in ('cpc', 'ppc', 'paid_search') then 'google_ads'
                when touchpoints.source = 'tiktok' then 'tiktok_ads'
            end
        ) as platform,
        ad_campaigns.campaign_id,
        -- Direct: nothing says where the person came from.
        touchpoints.source = '(direct)' and nullif(trim(touchpoints.campaign), '') is null as is_direct
    from touchpoints
    left join ad_campaigns
        on ad_campaigns.environment = touchpoints.environment
        and ad_campaigns.campaign_key = lower(trim(touchpoints.campaign))
),

-- A touch that names a campaign but not its source (the CRM's latest-touch field keeps only the
-- campaign) came the way the other touches of that campaign came: their usual source, medium and platform.
campaign_origins as (
    select
        environment,
        campaign,
        mode(source) filter (where source <> '(direct)') as source,
        mode(medium) filter (where source <> '(direct)') as medium,
        mode(platform) filter (where platform is not null) as platform
    from final
    where campaign <> '(none)'
    group by all
),

enriched as (
    select final.* replace (
        case when final.source = '(direct)' then coalesce(origins.source, final.source) else final.source end as source,
        case when final.source = '(direct)' then coalesce(origins.medium, final.medium) else final.medium end as medium,
        coalesce(final.platform, origins.platform) as platform
    )
    from final
    left join campaign_origins as origins using (environment, campaign)
)

select
    *,
    -- What attribution credits: a campaign on a platform (or, without one, on its source).
    coalesce(platform, source) || ' / ' || campaign as channel
from enriched
