import { type CancelledFailure, type ChildWorkflowHandle, patched, workflowInfo } from '@temporalio/workflow';
import type { RolloutPlan } from '../../libs/plan/src/model';
import { DEFAULT_POLICY, type ActionPolicy, type Refusal } from '../engine/actions';
import { holdSignal, type EngineState, type EngineStatus, type PlanRolloutInput } from '../engine/messages';
import type { Actor } from '../engine/phase';
import { initialReviews } from '../engine/reviews';
import * as rules from '../engine/rollout-rules';
import { pendingTimers } from '../engine/timers';
import type { phaseWorkflow } from '../phase.workflow';
import { refusal } from '../refusals';
import { forward, type EffectsContext } from './effects';
import { RolloutRecorder } from './recorder';
import type { StepAction } from './rollback-runner';

/**
 * Issue 12 (patched): phases entered before they are named current, progress as full transitions, the
 * projection before the audit entry, recoverable rollbacks, outcomes as Temporal close statuses, a
 * cancellation in Temporal handled as an abort. Older runs keep their recorded behaviour.
 */
export const ONE_TRUTH_PATCH = 'rollout-one-truth';

/** One rollout's run: its state and what its handlers and its main loop share. */
export class RolloutRun {
  readonly v2 = patched(ONE_TRUTH_PATCH);
  readonly plan: RolloutPlan;
  readonly rolloutId: string;
  readonly wfId = workflowInfo().workflowId;
  readonly policy: ActionPolicy;
  readonly operators: rules.RolloutPolicy;
  readonly timeScale: number;
  readonly state: EngineState;
  readonly rec: RolloutRecorder;
  readonly ctx: EffectsContext;
  rollbackRequest?: { actor: Actor; level?: string; reason: string };
  abortRequest?: { actor: Actor; reason: string };
  cancelled?: CancelledFailure;
  child?: ChildWorkflowHandle<typeof phaseWorkflow>;
  /** The phase whose workflow is being started (ENTERING), until it reports phaseEntered. */
  entering?: string;
  stepAction?: StepAction;
  /** Accepted actions whose audit entry is still being written: what follows waits, so the log keeps order. */
  actionsAuditing = 0;
  readonly entered = new Set<string>();
  readonly confirmedManualSteps = new Set<string>();

  constructor(readonly input: PlanRolloutInput) {
    const { plan, rolloutId } = input;
    this.plan = plan;
    this.rolloutId = rolloutId;
    const { operatorRoles, ...actionPolicy } = input.parameters?.policy ?? {};
    this.policy = { ...DEFAULT_POLICY, ...actionPolicy };
    this.operators = rules.rolloutPolicy({ superRoles: this.policy.superRoles, operatorRoles });
    this.timeScale = input.parameters?.timeScale ?? 1;
    this.state = {
      rolloutId,
      plan: plan.metadata.name,
      status: 'PENDING',
      startedBy: input.startedBy,
      startedAt: Date.now(),
      phases: plan.phases.map((p) => ({ id: p.id, name: p.name, status: 'PENDING' })),
      compensations: [],
      breaches: [],
      reviews: initialReviews(plan),
      events: [],
      flags: {},
    };
    this.rec = new RolloutRecorder(this.state, plan, this.wfId, this.v2);
    this.ctx = { rolloutId, wfId: this.wfId, plan, state: this.state, distinctTitles: this.v2 };
  }

  interrupted = (): boolean => this.rollbackRequest !== undefined || this.abortRequest !== undefined;

  view(): rules.RolloutView {
    return {
      rolloutId: this.rolloutId,
      status: this.state.status,
      rollback: this.state.rollback,
      levels: this.plan.rollback.levels.map((l) => l.id),
      stepActionPending: this.stepAction !== undefined,
      rollbackFailedEnds: !this.v2,
    };
  }

  over = (): boolean => rules.isOver(this.view());
  /** Whether the status queries show is written everywhere (older runs answered without waiting). */
  written = (): boolean => !this.v2 || this.rec.idle();

  /** A refusal thrown from a validator: the action changes nothing and leaves no trace in history. */
  check(refused: Refusal | undefined): void {
    if (refused) throw refusal(refused.code, refused.message);
  }

  transition = (status: EngineStatus, what: string, actor = 'engine', extra?: Record<string, unknown>) =>
    this.rec.transition(status, what, actor, extra);

  /** The state as queries and Updates answer it: with the timers still to fire. */
  snapshot = (): EngineState => ({
    ...this.state,
    timers: pendingTimers(this.state, this.plan, this.timeScale, Date.now()),
  });

  async pause(actor: string, reason?: string): Promise<void> {
    this.state.pausedFrom = this.state.status;
    await this.child?.signal(holdSignal, { hold: true });
    await this.transition('PAUSED', `paused by ${actor}${reason ? `: ${reason}` : ''}`, actor);
  }

  /**
   * A person's accepted action on the rollout itself that no transition records (a review, a rollback step)
   * is audited before the Update answers. Patched: older runs did not, and answered synchronously.
   */
  auditedAction(
    actor: Actor,
    action: string,
    target: string,
    payload: Record<string, unknown>,
  ): EngineState | Promise<EngineState> {
    if (!patched('audit-rollout-actions')) return this.snapshot();
    this.actionsAuditing++;
    const entry = {
      rolloutId: this.rolloutId,
      actor: actor.id,
      action,
      target,
      at: new Date().toISOString(),
    };
    return forward
      .recordAudit({ ...entry, payload: { roles: actor.roles, ...payload } })
      .finally(() => this.actionsAuditing--)
      .then(this.snapshot);
  }
}
