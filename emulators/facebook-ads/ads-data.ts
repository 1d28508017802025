/** A campaign in the ad account, with the numbers spend is drawn from. */
export interface AdCampaign {
  /** 18-digit numeric string, like Meta's campaign ids. */
  id: string;
  /** Equal to the utm_campaign its ads carry, so leads and spend join on it. */
  name: string;
  objective: 'OUTCOME_SALES' | 'OUTCOME_TRAFFIC' | 'OUTCOME_AWARENESS';
  status: 'ACTIVE' | 'PAUSED';
  createdMs: number;
  startMs: number;
  /** Null for an open-ended campaign. */
  stopMs: number | null;
  updatedMs: number;
  dailyBudgetMinor: number;
  /** True when the world's people carry this campaign in their UTM parameters. */
  inWorld: boolean;
}

/** Settled (final) delivery of one campaign on one account-local day. */
export interface DailyDelivery {
  date: string;
  campaign: number;
  spendMinor: number;
  impressions: number;
  clicks: number;
}

/** An ad set of a campaign (its audience and placement); delivery of the campaign is spread over its ads. */
export interface AdSet {
  id: string;
  name: string;
  /** Index into `AdsData.campaigns`. */
  campaign: number;
}

/** An ad of an ad set. */
export interface Ad {
  id: string;
  name: string;
  /** Index into `AdsData.adsets`. */
  adset: number;
  /** Index into `AdsData.campaigns`. */
  campaign: number;
}

/** One ad's share of a campaign's delivery on one day: the ad-level row every insights level sums. */
export interface AdDelivery {
  date: string;
  campaign: number;
  adset: number;
  ad: number;
  spendMinor: number;
  impressions: number;
  clicks: number;
}

/** Everything the emulated ad account holds, built from one world. */
export interface AdsData {
  seed: number;
  scale: number;
  anchor: string;
  /** Digits only; the API path uses `act_<accountId>`. */
  accountId: string;
  accountName: string;
  timeZone: string;
  currency: 'USD';
  /** The account-local date the anchor falls on ("today" for the emulator). */
  today: string;
  campaigns: AdCampaign[];
  /** Ad sets ordered by campaign, then id; every campaign has at least one. */
  adsets: AdSet[];
  /** Ads ordered by ad set, then id; every ad set has at least one. */
  ads: Ad[];
  /** Settled delivery, ordered by date then campaign id; only days with impressions. */
  settled: DailyDelivery[];
}
