-- grain: one row per environment, source, medium and campaign text of core.touchpoints: what a touch with them is labelled (its campaign, ad platform and campaign id, channel, and the source of a touch that names none)
-- unique: label_key
-- unique: environment, touch_source, touch_medium, campaign_text
-- not_null: label_key, environment, touch_source, touch_medium, source, medium, campaign, channel, is_direct
--
-- The labels depend only on those four columns: a few hundred combinations, each worked out once here;
-- each touch carries the label_key of its combination.
with origins as (
    select environment, source, medium, campaign as campaign_text, count(*) as touches
    from core.touchpoints
    group by all
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
        origins.environment,
        origins.source,
        origins.medium,
        origins.campaign_text,
        origins.touches,
        coalesce(lower(nullif(trim(origins.campaign_text), '')), '(none)') as campaign,
        coalesce(
            ad_campaigns.platform,
            case
                when origins.source in ('facebook', 'fb', 'instagram', 'ig', 'meta') then 'facebook_ads'
                when origins.source in ('google', 'adwords') and origins.medium in ('cpc', 'ppc', 'paid_search') then 'google_ads'
                when origins.source = 'tiktok' then 'tiktok_ads'
            end
        ) as platform,
        ad_campaigns.campaign_id,
        -- Direct: nothing says where the person came from.
        origins.source = '(direct)' and nullif(trim(origins.campaign_text), '') is null as is_direct
    from origins
    left join ad_campaigns
        on ad_campaigns.environment = origins.environment
        and ad_campaigns.campaign_key = lower(trim(origins.campaign_text))
),

-- A touch that names a campaign but not its source (the CRM's latest-touch field keeps only the
-- campaign) came the way the other touches of that campaign came: the source, medium and platform
-- most of them have, counted over touches (a tie goes to the first in the alphabet).
label_counts as (
    select environment, campaign, 'source' as label, source as value, sum(touches) as touches
    from final where campaign <> '(none)' and source <> '(direct)' group by all
    union all
    select environment, campaign, 'medium', medium, sum(touches)
    from final where campaign <> '(none)' and source <> '(direct)' group by all
    union all
    select environment, campaign, 'platform', platform, sum(touches)
    from final where campaign <> '(none)' and platform is not null group by all
),

campaign_origins as (
    select
        environment,
        campaign,
        first(value order by touches desc, value) filter (where label = 'source') as source,
        first(value order by touches desc, value) filter (where label = 'medium') as medium,
        first(value order by touches desc, value) filter (where label = 'platform') as platform
    from label_counts
    group by all
),

labels as (
    select
        final.environment,
        final.source as touch_source,
        final.medium as touch_medium,
        final.campaign_text,
        case when final.source = '(direct)' then coalesce(origins.source, final.source) else final.source end as source,
        case when final.source = '(direct)' then coalesce(origins.medium, final.medium) else final.medium end as medium,
        final.campaign,
        coalesce(final.platform, origins.platform) as platform,
        final.campaign_id,
        final.is_direct
    from final
    left join campaign_origins as origins using (environment, campaign)
)

select
    *,
    -- What attribution credits: a campaign on a platform (or, without one, on its source).
    coalesce(platform, source) || ' / ' || campaign as channel,
    -- An integer key for the touches (text columns are slow to join); it holds within one build.
    row_number() over (order by environment, touch_source, touch_medium, campaign_text)::integer as label_key
from labels
