import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes every rollout carries, so the Web UI and `temporal workflow list --query`
// can filter rollouts. The dev server registers them at start-up (see scripts/lib/dev-server.mjs).
export const RolloutIdKey = defineSearchAttributeKey('RolloutId', SearchAttributeType.KEYWORD);
export const RolloutPlanKey = defineSearchAttributeKey('RolloutPlan', SearchAttributeType.KEYWORD);
export const RolloutPhaseKey = defineSearchAttributeKey('RolloutPhase', SearchAttributeType.KEYWORD);
export const RolloutStatusKey = defineSearchAttributeKey('RolloutStatus', SearchAttributeType.KEYWORD);

export const rolloutSearchAttributeKeys = [RolloutIdKey, RolloutPlanKey, RolloutPhaseKey, RolloutStatusKey];
