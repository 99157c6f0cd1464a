import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// No personal data here: search attributes are not encrypted by the payload codec.
export const WaymarkCustomerId = defineSearchAttributeKey('WaymarkCustomerId', SearchAttributeType.KEYWORD);
export const WaymarkJourney = defineSearchAttributeKey('WaymarkJourney', SearchAttributeType.KEYWORD);
export const WaymarkJourneyVersion = defineSearchAttributeKey('WaymarkJourneyVersion', SearchAttributeType.INT);
export const WaymarkStep = defineSearchAttributeKey('WaymarkStep', SearchAttributeType.KEYWORD);
export const WaymarkOutcome = defineSearchAttributeKey('WaymarkOutcome', SearchAttributeType.KEYWORD);

/** Name → type, for registering them on a server (`temporal server start-dev --search-attribute`). */
export const WAYMARK_SEARCH_ATTRIBUTES = {
  WaymarkCustomerId: 'Keyword',
  WaymarkJourney: 'Keyword',
  WaymarkJourneyVersion: 'Int',
  WaymarkStep: 'Keyword',
  WaymarkOutcome: 'Keyword',
} as const;
