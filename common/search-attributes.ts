import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes: the stack registers them on the dev server (scripts/stack.sh keeps the
 * same list), so "all deploys waiting for approval" is one query in the Web UI. Never put secrets here:
 * search attributes are not encrypted. */
export const DockhandService = defineSearchAttributeKey('DockhandService', SearchAttributeType.KEYWORD);
export const DockhandPhase = defineSearchAttributeKey('DockhandPhase', SearchAttributeType.KEYWORD);
export const DockhandImage = defineSearchAttributeKey('DockhandImage', SearchAttributeType.KEYWORD);
export const DockhandHost = defineSearchAttributeKey('DockhandHost', SearchAttributeType.KEYWORD);
export const DockhandWorkflow = defineSearchAttributeKey('DockhandWorkflow', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [DockhandService, DockhandPhase, DockhandImage, DockhandHost, DockhandWorkflow];
