import type { RolloutState } from '../../../../workflows/messages';
import { type Phase, PhaseStatus, type Rollout, RolloutStatus } from './models/rollout.model';

const date = (iso?: string): Date | undefined => (iso ? new Date(iso) : undefined);

/** Workflow state → GraphQL model. */
export function toRolloutModel(state: RolloutState, workflowId: string, webUiUrl: string): Rollout {
  return {
    id: state.rolloutId,
    plan: state.plan,
    title: state.title,
    status: RolloutStatus[state.status],
    currentPhase: state.currentPhaseId,
    startedBy: state.startedBy,
    startedAt: new Date(state.startedAt),
    completedAt: date(state.completedAt),
    workflowId,
    webUiUrl,
    phases: state.phases.map((p): Phase => ({
      id: p.id,
      name: p.name,
      status: PhaseStatus[p.status],
      enteredAt: date(p.enteredAt),
      completedAt: date(p.completedAt),
      checklist: p.checklist.map((i) => ({ ...i, completedAt: date(i.completedAt) })),
    })),
  };
}
