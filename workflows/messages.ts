import { defineQuery, defineUpdate } from '@temporalio/workflow';

// Messages are declared once, here, and imported by both the workflows and the API.

export const ROLLOUT_TASK_QUEUE_DEFAULT = 'rollouts';

export const rolloutWorkflowId = (rolloutId: string): string => `rollout-${rolloutId}`;

export interface ChecklistItemSpec {
  id: string;
  title: string;
}

export interface PhaseSpec {
  id: string;
  name: string;
  checklist: ChecklistItemSpec[];
}

export interface RolloutPlanSpec {
  name: string;
  title?: string;
  phases: PhaseSpec[];
}

export interface RolloutInput {
  rolloutId: string;
  plan: RolloutPlanSpec;
  startedBy: string;
}

export type RolloutStatus = 'RUNNING' | 'COMPLETED';
export type PhaseStatus = 'PENDING' | 'RUNNING' | 'COMPLETED';

export interface ChecklistItemState extends ChecklistItemSpec {
  completed: boolean;
  completedBy?: string;
  completedAt?: string;
  note?: string;
}

export interface PhaseState {
  id: string;
  name: string;
  status: PhaseStatus;
  enteredAt?: string;
  completedAt?: string;
  checklist: ChecklistItemState[];
}

export interface RolloutState {
  rolloutId: string;
  plan: string;
  title?: string;
  status: RolloutStatus;
  currentPhaseId?: string;
  startedBy: string;
  startedAt: string;
  completedAt?: string;
  phases: PhaseState[];
}

export interface CompleteChecklistItemRequest {
  itemId: string;
  actor: string;
  note?: string;
}

export const getRolloutStateQuery = defineQuery<RolloutState>('getRolloutState');

export const completeChecklistItemUpdate = defineUpdate<RolloutState, [CompleteChecklistItemRequest]>(
  'completeChecklistItem',
);
