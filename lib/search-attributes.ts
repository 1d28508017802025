import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed keys of cdp's search attributes (registered on the dev server at start). */
export const SEARCH_ATTRIBUTES = {
  connection: defineSearchAttributeKey('CdpConnection', SearchAttributeType.KEYWORD),
  source: defineSearchAttributeKey('CdpSource', SearchAttributeType.KEYWORD),
  mode: defineSearchAttributeKey('CdpMode', SearchAttributeType.KEYWORD),
  environment: defineSearchAttributeKey('CdpEnvironment', SearchAttributeType.KEYWORD),
};

/** Temporal's own: the time a schedule's action was due, set on every workflow a schedule starts (a backfilled one too). */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
