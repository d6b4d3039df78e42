import type { RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import type { EngineState, PhaseSummary, ReviewState } from '../../../../workflows/engine/messages';
import type { RollbackStep as EngineRollbackStep } from '../../../../workflows/engine/rollback';
import { type ItemState, type PhaseState, sustainedDueAt } from '../../../../workflows/engine/phase';
import type { GuardrailReading } from '../../../../workflows/engine/watch';
import { MetricSource } from './dto/start-rollout.input';
import type { MetricsChoice } from './metrics-parameters';
import {
  type ChecklistItem,
  GuardrailOutcome,
  ChecklistItemStatus,
  type PendingTimer,
  type Phase,
  PhaseStatus,
  type Review,
  ReviewStatus,
  type RollbackStep,
  type Rollout,
  RolloutStatus,
  type RolloutSummary,
  RollbackStepStatus,
} from './models/rollout.model';
import { UNLAUNCHED_STATUSES } from './rollout-status';

/** The engine's guardrail outcomes (`no_data` …) as the API spells them. */
const OUTCOMES: Record<string, GuardrailOutcome> = {
  ok: GuardrailOutcome.OK,
  breach: GuardrailOutcome.BREACH,
  inconclusive: GuardrailOutcome.INCONCLUSIVE,
  no_data: GuardrailOutcome.NO_DATA,
};

const date = (ms?: number | null): Date | undefined =>
  ms === undefined || ms === null ? undefined : new Date(ms);

/** What the API knows about a rollout besides its workflow's state. */
export interface RolloutContext {
  workflowId: string;
  webUiUrl: string;
  planVersionId?: string;
  title?: string;
  /** The current phase's own state (phaseStateQuery), when the phase workflow answered. */
  currentPhase?: PhaseState;
  /** Its guardrails as they stand (guardrailReadingsQuery), when it answered. */
  guardrails?: GuardrailReading[];
  /** How its guardrails read their metrics, as the API started it (the memo). */
  metrics?: MetricsChoice;
  /** The reconciler found its workflow terminated (or timed out) in Temporal: the projection says TERMINATED. */
  terminated?: boolean;
  now: number;
}

function toRollbackStep(step: EngineRollbackStep): RollbackStep {
  return {
    id: step.id,
    title: step.title,
    source: step.source,
    status: RollbackStepStatus[step.status],
    error: step.error,
    finishedAt: date(step.finishedAt),
    resolvedBy: step.resolvedBy,
    note: step.note,
    evidence: step.evidence,
  };
}

/**
 * A review's status, as the engine says it (cancelled when the rollout did not launch); for a rollout whose
 * engine kept no status (started before reviews had one): DONE once completed, CANCELLED when the rollout did
 * not launch (rolled back, aborted, terminated, or being rolled back), DUE once its time has come, OPEN before.
 */
export function reviewStatus(review: ReviewState, rolloutStatus: string, now: number): ReviewStatus {
  if (review.completedAt !== undefined || review.completedBy !== undefined) return ReviewStatus.DONE;
  if (review.status === 'CANCELLED' || review.cancelledAt !== undefined) return ReviewStatus.CANCELLED;
  if (UNLAUNCHED_STATUSES.includes(rolloutStatus)) return ReviewStatus.CANCELLED;
  if (review.status === 'DUE') return ReviewStatus.DUE;
  if (review.dueAt !== undefined && review.dueAt <= now) return ReviewStatus.DUE;
  return ReviewStatus.OPEN;
}

function toReview(review: ReviewState, rolloutStatus: string, now: number): Review {
  return {
    id: review.id,
    title: review.title,
    status: reviewStatus(review, rolloutStatus, now),
    dueAt: date(review.dueAt),
    completedBy: review.completedBy,
    completedAt: date(review.completedAt),
    cancelledAt: date(review.cancelledAt),
    note: review.note,
  };
}

function toItem(item: ItemState): ChecklistItem {
  return {
    id: item.id,
    title: item.title,
    kind: item.kind ?? 'manual',
    roles: item.roles,
    status: ChecklistItemStatus[item.status],
    doneBy: item.doneBy,
    doneAt: date(item.doneAt),
    approvedBy: item.approvedBy,
    approvedAt: date(item.approvedAt),
    note: item.note,
    evidence: item.evidence,
    skipJustification: item.skipJustification,
    sustainedDueAt: date(sustainedDueAt(item)),
  };
}

function toPhase(summary: PhaseSummary, live: PhaseState | undefined): Phase {
  const detail = live ?? summary.result;
  return {
    id: summary.id,
    name: summary.name,
    status: PhaseStatus[summary.status],
    enteredAt: date(summary.enteredAt ?? detail?.enteredAt),
    completedAt: date(summary.completedAt),
    soakUntil: date(detail?.minUntil),
    checklist: detail ? detail.items.map(toItem) : [],
    gate: detail
      ? { signedBy: detail.gate.signedBy, signedAt: date(detail.gate.signedAt), note: detail.gate.note }
      : undefined,
  };
}

/** The engine's timers, plus the current phase's soak and sustained conditions, soonest first. */
function timersOf(state: EngineState, phase: PhaseState | undefined, now: number): PendingTimer[] {
  const timers: PendingTimer[] = (state.timers ?? []).map((t) => ({
    kind: t.kind,
    summary: t.summary,
    dueAt: new Date(t.dueAt),
  }));
  if (phase) {
    if (phase.minUntil && phase.minUntil > now && !timers.some((t) => t.kind === 'soak'))
      timers.push({ kind: 'soak', summary: `Soak: ${phase.name}`, dueAt: new Date(phase.minUntil) });
    for (const item of phase.items) {
      const due = item.status === 'OPEN' ? sustainedDueAt(item) : undefined;
      if (due !== undefined && due > now)
        timers.push({ kind: 'sustained', summary: `Sustained: ${item.title}`, dueAt: new Date(due) });
    }
  }
  return timers.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** Engine state (+ the current phase's state) → GraphQL model. */
export function toRolloutModel(state: EngineState, ctx: RolloutContext): Rollout {
  const live = ctx.currentPhase?.id === state.currentPhaseId ? ctx.currentPhase : undefined;
  const status = ctx.terminated ? RolloutStatus.TERMINATED : RolloutStatus[state.status];
  return {
    id: state.rolloutId,
    plan: state.plan,
    planVersionId: ctx.planVersionId,
    planVersion: versionOf(ctx.planVersionId),
    title: ctx.title,
    status,
    currentPhase: state.currentPhaseId,
    startedBy: state.startedBy,
    startedAt: new Date(state.startedAt),
    completedAt: date(state.endedAt),
    phases: state.phases.map((p) => toPhase(p, p.id === state.currentPhaseId ? live : undefined)),
    flags: Object.entries(state.flags ?? {}).map(([key, value]) => ({
      key,
      valueJson: JSON.stringify(value),
    })),
    timers: timersOf(state, live, ctx.now),
    guardrails: live
      ? (ctx.guardrails ?? []).map((g) => ({
          id: g.guardrailId,
          title: g.title,
          metric: g.metric,
          condition: g.condition,
          outcome: OUTCOMES[g.outcome] ?? GuardrailOutcome.INCONCLUSIVE,
          ...(g.noData
            ? { noData: { cause: g.noData.cause, detail: g.noData.detail, policy: g.noData.policy } }
            : {}),
          value: g.value ?? undefined,
          reason: g.reason,
          breached: g.breached,
          latestValue: g.latest?.value ?? undefined,
          latestAt: date(g.latest?.at),
          readings: g.readings,
        }))
      : [],
    breaches: state.breaches.map((b) => ({
      phaseId: b.phaseId,
      guardrailId: b.guardrailId,
      action: typeof b.action === 'string' ? b.action : JSON.stringify(b.action),
      reason: b.reason,
      value: b.value ?? undefined,
      at: new Date(b.at),
    })),
    rollback: state.rollback && {
      level: state.rollback.level,
      reason: state.rollback.reason,
      requestedBy: state.rollback.requestedBy,
      startedAt: new Date(state.rollback.startedAt),
      budgetEndsAt: date(state.rollback.budgetEndsAt),
      finishedAt: date(state.rollback.finishedAt),
      steps: state.rollback.steps.map(toRollbackStep),
    },
    reviews: state.reviews.map((r) => toReview(r, status, ctx.now)),
    metrics: ctx.metrics && {
      source: ctx.metrics.source === 'prometheus' ? MetricSource.PROMETHEUS : MetricSource.PUSHED,
      cadenceSeconds: ctx.metrics.cadenceSeconds,
    },
    workflowId: ctx.workflowId,
    webUiUrl: ctx.webUiUrl,
  };
}

/** A rollout just started, before its workflow has run: every phase pending. */
export function startedState(
  rolloutId: string,
  plan: RolloutPlan,
  startedBy: string,
  now: number,
): EngineState {
  return {
    rolloutId,
    plan: plan.metadata.name,
    status: 'PENDING',
    breaches: [],
    startedBy,
    startedAt: now,
    phases: plan.phases.map((p) => ({ id: p.id, name: p.name, status: 'PENDING' })),
    compensations: [],
    reviews: plan.reviews.map((r) => ({ id: r.id, title: r.title })),
    events: [],
  };
}

function versionOf(planVersionId: string | undefined): number | undefined {
  const v = Number(planVersionId?.split('@')[1]);
  return Number.isInteger(v) ? v : undefined;
}

export function toRolloutSummary(row: RolloutProjection): RolloutSummary {
  return {
    id: row.rolloutId,
    plan: row.plan,
    planVersion: row.planVersion ?? undefined,
    title: row.title ?? undefined,
    status: RolloutStatus[row.status as keyof typeof RolloutStatus] ?? RolloutStatus.RUNNING,
    currentPhase: row.currentPhase ?? undefined,
    startedAt: row.startedAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt ?? undefined,
    workflowId: row.workflowId,
  };
}
