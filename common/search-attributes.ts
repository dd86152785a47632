import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';

/** Custom search attributes: the stack registers them on the dev server (scripts/stack.sh keeps the
 * same list), so "all deploys waiting for approval" is one query in the Web UI. Never put secrets here:
 * search attributes are not encrypted. */
export const DockhandService = defineSearchAttributeKey('DockhandService', SearchAttributeType.KEYWORD);
export const DockhandPhase = defineSearchAttributeKey('DockhandPhase', SearchAttributeType.KEYWORD);
/** Temporal's own: the schedule that started a run (absent when something else started it). */
export const SCHEDULED_BY_ID = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
export const DockhandImage = defineSearchAttributeKey('DockhandImage', SearchAttributeType.KEYWORD);
export const DockhandHost = defineSearchAttributeKey('DockhandHost', SearchAttributeType.KEYWORD);
export const DockhandWorkflow = defineSearchAttributeKey('DockhandWorkflow', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [DockhandService, DockhandPhase, DockhandImage, DockhandHost, DockhandWorkflow];

/** What a workflow is about, for the list views: each given field becomes its search attribute. */
export interface WorkflowTags {
  service?: string;
  host?: string;
  image?: string;
}

/** The search attributes a workflow sets once at its start, always in the order service, host, image, type
 * (the order every workflow used before this helper, so recorded histories replay unchanged). */
export function workflowTags(tags: WorkflowTags, workflowType: string): SearchAttributeUpdatePair[] {
  const pairs: SearchAttributeUpdatePair[] = [];
  if (tags.service !== undefined) pairs.push({ key: DockhandService, value: tags.service });
  if (tags.host !== undefined) pairs.push({ key: DockhandHost, value: tags.host });
  if (tags.image !== undefined) pairs.push({ key: DockhandImage, value: tags.image });
  pairs.push({ key: DockhandWorkflow, value: workflowType });
  return pairs;
}
