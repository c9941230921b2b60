import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes (Keyword) registered on the Temporal server by scripts/stack. */
export const FailbackPlanId = defineSearchAttributeKey('FailbackPlanId', SearchAttributeType.KEYWORD);
export const FailbackApplication = defineSearchAttributeKey(
  'FailbackApplication',
  SearchAttributeType.KEYWORD,
);
export const FailbackStage = defineSearchAttributeKey('FailbackStage', SearchAttributeType.KEYWORD);
export const FailbackWaitingFor = defineSearchAttributeKey('FailbackWaitingFor', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = [
  FailbackPlanId.name,
  FailbackApplication.name,
  FailbackStage.name,
  FailbackWaitingFor.name,
] as const;
