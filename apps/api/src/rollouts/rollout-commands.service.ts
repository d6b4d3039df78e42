import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { AuditLogService } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import {
  awaitPhase,
  beforeDeadline,
  retryTransient,
  sendItemAction,
  sendSignOff,
  TEMPORAL_CLIENT,
  TEMPORAL_CONFIG,
  type TemporalConfig,
  workflowUiUrl,
} from '../../../../libs/temporal/src';
import type { ItemAction } from '../../../../workflows/engine/actions';
import { metricUnit, type MetricCatalogue, planMetricProblems } from '../../../../workflows/engine/catalogue';
import { guardrailsFor } from '../../../../workflows/engine/guardrails';
import {
  abortUpdate,
  checkResultSignal,
  completeReviewUpdate,
  confirmManualStepUpdate,
  engineStateQuery,
  type EngineState,
  hasEnded,
  type MetricReadingInput,
  metricReadingSignal,
  pauseUpdate,
  phaseWorkflowId,
  type PlanRolloutInput,
  resolveRollbackStepUpdate,
  resumeUpdate,
  retryRollbackStepUpdate,
  rollbackUpdate,
  rolloutWorkflowId,
  WORKFLOW_TASK_TIMEOUT,
} from '../../../../workflows/engine/messages';
import type { Actor } from '../../../../workflows/engine/phase';
import { API_CONFIG, type ApiConfig } from '../api.config';
import { graphQLError } from '../common/graphql-errors';
import { currentRequestKey } from '../common/request-context';
import { PlansService } from '../plans/plans.service';
import type { Rollout } from './models/rollout.model';
import { metricsSettingsOf, type MetricsParametersInput, parseMetricsParameters } from './metrics-parameters';
import { updateWithinDeadline, withinDeadline } from './rollout-calls';
import { assertNewRolloutId } from './rollout-id';
import { type RolloutMemo, RolloutReadsService } from './rollout-reads.service';
import { toGraphQLError } from './rollouts.errors';
import { startedState, toRolloutModel } from './rollouts.mapper';

const newRolloutId = (): string => randomBytes(5).toString('hex');

/**
 * A plan whose guardrail thresholds cannot be compared with their metrics' units (as the metric catalogue
 * gives them) is refused before anything starts, naming both units. Unmapped metrics are allowed: their
 * guardrails show NO_DATA (and escalate), which a person sees.
 */
export function refuseUnitMismatches(plan: RolloutPlan, catalogue: MetricCatalogue): void {
  const { unitMismatches } = planMetricProblems(plan, catalogue);
  if (unitMismatches.length === 0) return;
  throw graphQLError(
    'BAD_USER_INPUT',
    `Plan ${plan.metadata.name} cannot start with the metric catalogue ${catalogue.source}: ${unitMismatches.map((m) => m.message).join('; ')}`,
    {
      unitMismatches: unitMismatches.map(({ metric, guardrailId, metricUnit, guardrailUnit }) => ({
        metric,
        guardrailId,
        metricUnit,
        guardrailUnit,
      })),
    },
  );
}

export interface StartRollout {
  planVersionId: string;
  id?: string;
  title?: string;
  timeScale?: number;
  /** How its guardrails read their metrics (source and cadence); defaults by PROMETHEUS_URL. */
  metrics?: MetricsParametersInput;
}

/**
 * What people and automation do to rollouts: each a workflow Update (or, for automation, a signal), answered
 * with the rollout as the engine then stands. No action waits for a phase to be entered by polling: the engine
 * names a phase current only once its workflow runs, and awaitPhase answers once the rollout stands there.
 */
@Injectable()
export class RolloutCommandsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(TEMPORAL_CONFIG) private readonly config: TemporalConfig,
    @Inject(API_CONFIG) private readonly api: ApiConfig,
    private readonly plans: PlansService,
    private readonly reads: RolloutReadsService,
    private readonly audit: AuditLogService,
  ) {}

  async start(req: StartRollout, actor: string): Promise<Rollout> {
    const { timeScale } = req;
    if (timeScale !== undefined && !(Number.isFinite(timeScale) && timeScale > 0 && timeScale <= 1))
      throw graphQLError(
        'BAD_USER_INPUT',
        `timeScale must be greater than 0 and at most 1 (got ${timeScale})`,
      );
    const metrics = parseMetricsParameters(req.metrics, this.api);
    if (metrics.problems)
      throw graphQLError('BAD_USER_INPUT', metrics.problems.join('; '), { problems: metrics.problems });
    const version = await this.plans.version(req.planVersionId);
    if (!version)
      throw graphQLError('NOT_FOUND', `Plan version ${req.planVersionId.slice(0, 80)} does not exist`);
    const plan = version.plan as unknown as RolloutPlan;
    refuseUnitMismatches(plan, this.api.metricCatalogue);
    const id = req.id ?? newRolloutId();
    assertNewRolloutId(id);
    const input: PlanRolloutInput = {
      rolloutId: id,
      plan,
      startedBy: actor,
      parameters: {
        ...(timeScale === undefined ? {} : { timeScale }),
        metrics: metricsSettingsOf(metrics.choice),
      },
    };
    const workflowId = rolloutWorkflowId(id);
    const memo: RolloutMemo = { planVersionId: version.id, title: req.title, metrics: metrics.choice };
    const deadline = Date.now() + this.api.actionTimeoutMs;
    try {
      await beforeDeadline(
        deadline,
        this.client.connection.withDeadline(deadline, () => this.refuseTakenPhaseIds(id, plan)),
      );
      await beforeDeadline(
        deadline,
        this.client.connection.withDeadline(deadline, () =>
          this.client.workflow.start('planRolloutWorkflow', {
            workflowId,
            taskQueue: this.config.taskQueue,
            args: [input],
            memo: { ...memo },
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
            staticSummary: `Rollout ${id} of plan ${version.id}`,
            staticDetails: plan.phases
              .map((p, i) => `${i + 1}. ${p.name} (${p.checklist.length} items)`)
              .join('\n'),
          }),
        ),
      );
    } catch (err) {
      throw toGraphQLError(err, id);
    }
    this.reads.remember(id, memo);
    // Answered once the rollout stands in its first phase, whose workflow runs (awaitPhase), so that the
    // answer, and the action that follows it, find it there. Without a worker to run it: near the action
    // deadline, as it stands before its workflow has run.
    const answerBy = deadline - Math.min(2_000, this.api.actionTimeoutMs / 5);
    const state = await this.enteredFirstPhase(id, answerBy);
    if (state)
      return withinDeadline(this.client, id, Math.max(1_000, deadline - Date.now()), () =>
        this.reads.read(id, { state }),
      );
    return toRolloutModel(startedState(id, plan, actor, Date.now()), {
      ...memo,
      workflowId,
      webUiUrl: workflowUiUrl(this.config, workflowId),
      now: Date.now(),
    });
  }

  /** The rollout's state once it has entered its first phase (or stopped short of it), if it says so in time. */
  private async enteredFirstPhase(rolloutId: string, deadline: number): Promise<EngineState | undefined> {
    const updateId = this.updateIdFor(rolloutId, 'await-first-phase', {});
    try {
      return await beforeDeadline(
        deadline,
        retryTransient(
          () =>
            this.client.connection.withDeadline(deadline, () =>
              awaitPhase(this.client, rolloutId, undefined, updateId),
            ),
          deadline,
        ),
      );
    } catch {
      return undefined;
    }
  }

  /**
   * A rollout whose phase workflow ID is already taken (by a rollout started before ids were checked, e.g.
   * "coll-phase-staging" for rollout "coll") could start but never enter that phase: refused before it starts.
   */
  private async refuseTakenPhaseIds(rolloutId: string, plan: RolloutPlan): Promise<void> {
    const taken = await Promise.all(
      plan.phases.map(async (phase) => {
        const workflowId = phaseWorkflowId(rolloutId, phase.id);
        try {
          await this.client.workflow.getHandle(workflowId).describe();
          return workflowId;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }
      }),
    );
    const first = taken.find((t) => t !== undefined);
    if (first)
      throw graphQLError(
        'CONFLICT',
        `Rollout ${rolloutId} cannot start: its phase workflow ID ${first} is taken by another workflow; choose another id`,
        { rolloutId },
      );
  }

  itemAction(rolloutId: string, action: ItemAction, phaseId?: string): Promise<Rollout> {
    const updateId = this.updateIdFor(rolloutId, 'item', { action, phaseId });
    return this.callUpdate(rolloutId, async () => {
      const plan = await this.reads.planOf(rolloutId);
      const phase = await sendItemAction(this.client, plan, rolloutId, action, phaseId, updateId);
      return this.reads.read(rolloutId, { phase });
    });
  }

  /**
   * Reports a check of a sustained condition to the current phase (a signal: the phase restarts the
   * condition's clock on a failure). Routed and refused like an item action; audited here, since a
   * signal leaves no answer to audit in the workflow.
   */
  recordCheck(
    rolloutId: string,
    check: { itemId: string; healthy: boolean; phaseId?: string; note?: string },
    actor: Actor,
  ): Promise<Rollout> {
    return this.call(rolloutId, async () => {
      const plan = await this.reads.planOf(rolloutId);
      const owner = plan.phases.find((p) => p.checklist.some((i) => i.id === check.itemId));
      const item = owner?.checklist.find((i) => i.id === check.itemId);
      if (!owner || !item || (check.phaseId && check.phaseId !== owner.id))
        throw graphQLError(
          'NOT_FOUND',
          `Checklist item "${check.itemId}" is not in ${check.phaseId ? `phase ${check.phaseId}` : 'the plan'}`,
          { rolloutId },
        );
      if (item.kind !== 'sustained')
        throw graphQLError(
          'BAD_USER_INPUT',
          `"${item.id}" is not a sustained condition: complete it instead`,
          { rolloutId },
        );
      const state = await this.client.workflow
        .getHandle(rolloutWorkflowId(rolloutId))
        .query(engineStateQuery);
      if (state.currentPhaseId !== owner.id)
        throw graphQLError(
          'CONFLICT',
          `"${item.id}" belongs to phase ${owner.id}, which is not the current phase (${state.currentPhaseId ?? 'none'})`,
          { rolloutId },
        );
      await this.client.workflow
        .getHandle(phaseWorkflowId(rolloutId, owner.id))
        .signal(checkResultSignal, { itemId: item.id, healthy: check.healthy });
      await this.audit.append({
        idempotencyKey: `check/${randomBytes(12).toString('hex')}`,
        rolloutId,
        actor: actor.id,
        action: 'check.result',
        target: item.id,
        outcome: 'accepted',
        payload: {
          phase: owner.id,
          healthy: check.healthy,
          roles: actor.roles,
          ...(check.note ? { note: check.note } : {}),
        },
      });
      return this.reads.read(rolloutId);
    });
  }

  /**
   * Pushes a metric reading to the rollout's current phase, whose guardrails evaluate it (a signal). Refused
   * when no guardrail of the plan reads the metric, or none of the current phase does. Answers the phase.
   */
  pushMetricSample(rolloutId: string, reading: MetricReadingInput): Promise<string> {
    return this.call(rolloutId, async () => {
      const plan = await this.reads.planOf(rolloutId);
      if (!plan.guardrails.some((g) => g.metric === reading.metric))
        throw graphQLError(
          'BAD_USER_INPUT',
          `No guardrail of plan ${plan.metadata.name} reads "${reading.metric}"`,
          { rolloutId },
        );
      const handle = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
      const { currentPhaseId, status } = await handle.query(engineStateQuery);
      // A rollout rolling back (or whose rollback waits on a person, or that has ended) has no guardrail left
      // to judge the reading.
      if (status === 'ROLLING_BACK' || status === 'ROLLBACK_FAILED' || hasEnded(status))
        throw graphQLError('CONFLICT', `Rollout ${rolloutId} is ${status}; it takes no more readings`, {
          rolloutId,
        });
      const watched =
        currentPhaseId && guardrailsFor(plan, currentPhaseId).some((g) => g.metric === reading.metric);
      if (!currentPhaseId || !watched)
        throw graphQLError(
          'CONFLICT',
          currentPhaseId
            ? `No guardrail of phase ${currentPhaseId} reads "${reading.metric}"`
            : `Rollout ${rolloutId} is not in a phase (${status})`,
          { rolloutId },
        );
      // The reading is in the catalogue's unit for the metric (and plan): the guardrails convert it to theirs.
      const unit = metricUnit(this.api.metricCatalogue, reading.metric, plan.metadata.name);
      await this.client.workflow
        .getHandle(phaseWorkflowId(rolloutId, currentPhaseId))
        .signal(metricReadingSignal, unit ? { ...reading, unit } : reading);
      return currentPhaseId;
    });
  }

  /**
   * Signs the gate (an Update on the phase), then waits on the rollout (awaitPhase) until it has moved on
   * from that phase: into the next phase, whose workflow then runs, or into its reviews; or it stopped
   * short (paused, rolling back). Answered with the rollout as it then stands.
   */
  signOff(rolloutId: string, phaseId: string, actor: Actor, note?: string): Promise<Rollout> {
    const signOff = { actor, note };
    const updateId = this.updateIdFor(rolloutId, 'sign-off', { phaseId, signOff });
    return this.callUpdate(rolloutId, async () => {
      const plan = await this.reads.planOf(rolloutId);
      const signed = await sendSignOff(this.client, plan, rolloutId, phaseId, signOff, updateId);
      const state = await awaitPhase(this.client, rolloutId, phaseId, `${updateId}-moved-on`);
      return this.reads.read(rolloutId, { state, phase: signed });
    });
  }

  pause(rolloutId: string, actor: Actor, reason?: string): Promise<Rollout> {
    return this.update(rolloutId, pauseUpdate, { actor, reason });
  }

  resume(rolloutId: string, actor: Actor): Promise<Rollout> {
    return this.update(rolloutId, resumeUpdate, { actor });
  }

  rollback(rolloutId: string, actor: Actor, reason: string, level?: string): Promise<Rollout> {
    return this.update(rolloutId, rollbackUpdate, { actor, reason, level });
  }

  abort(rolloutId: string, actor: Actor, reason: string): Promise<Rollout> {
    return this.update(rolloutId, abortUpdate, { actor, reason });
  }

  completeReview(rolloutId: string, actor: Actor, reviewId: string, note?: string): Promise<Rollout> {
    return this.update(rolloutId, completeReviewUpdate, { actor, reviewId, note });
  }

  confirmRollbackStep(rolloutId: string, actor: Actor, stepId: string): Promise<Rollout> {
    return this.update(rolloutId, confirmManualStepUpdate, { actor, stepId });
  }

  /** Runs a failed rollback step again (e.g. once its hook's URL is configured); the rollback goes on. */
  retryRollbackStep(rolloutId: string, actor: Actor, stepId: string): Promise<Rollout> {
    return this.update(rolloutId, retryRollbackStepUpdate, { actor, stepId });
  }

  /** Records that a person did a failed rollback step by hand; the rollback goes on. */
  resolveRollbackStep(
    rolloutId: string,
    actor: Actor,
    stepId: string,
    note: string,
    evidence?: string,
  ): Promise<Rollout> {
    return this.update(rolloutId, resolveRollbackStepUpdate, { actor, stepId, note, evidence });
  }

  /** An Update on the rollout workflow, answered with the rollout as the Update left it. */
  private update<A>(rolloutId: string, def: UpdateDefinition<EngineState, [A]>, arg: A): Promise<Rollout> {
    const updateId = this.updateIdFor(rolloutId, def.name, arg);
    return this.callUpdate(rolloutId, async () => {
      const handle = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
      const state = await handle.executeUpdate(def, { args: [arg], updateId });
      return this.reads.read(rolloutId, { state });
    });
  }

  /**
   * The Update ID of this request's action: the same for every try of it here, and for a client's retry of
   * the same request (same Idempotency-Key or X-Request-ID, same action), so the workflow applies it once.
   */
  private updateIdFor(rolloutId: string, kind: string, args: unknown): string {
    const key = currentRequestKey() ?? randomUUID();
    const digest = createHash('sha256')
      .update(JSON.stringify([key, rolloutId, kind, args]))
      .digest('base64url');
    return `api-${kind}-${digest}`;
  }

  private call<T>(rolloutId: string, fn: () => Promise<T>): Promise<T> {
    return withinDeadline(this.client, rolloutId, this.api.actionTimeoutMs, fn);
  }

  private callUpdate<T>(rolloutId: string, fn: () => Promise<T>): Promise<T> {
    return updateWithinDeadline(this.client, rolloutId, this.api.actionTimeoutMs, fn);
  }
}
