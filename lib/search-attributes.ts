import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed keys of cdp's search attributes (registered on the dev server at start). */
export const SEARCH_ATTRIBUTES = {
  connection: defineSearchAttributeKey('CdpConnection', SearchAttributeType.KEYWORD),
  source: defineSearchAttributeKey('CdpSource', SearchAttributeType.KEYWORD),
  mode: defineSearchAttributeKey('CdpMode', SearchAttributeType.KEYWORD),
  environment: defineSearchAttributeKey('CdpEnvironment', SearchAttributeType.KEYWORD),
};
