import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AuditLogService, RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import {
  ActionRefusedError,
  beforeDeadline,
  PHASE_ENTRY_WAIT_MS,
  retryTransient,
  sendItemAction,
  sendSignOff,
  TEMPORAL_CLIENT,
  TEMPORAL_CONFIG,
  type TemporalConfig,
  workflowUiUrl,
} from '../../../../libs/temporal/src';
import type { ItemAction } from '../../../../workflows/engine/actions';
import { RolloutStatusKey } from '../../../../workflows/search-attributes';
import { idText, saneEpochMillis } from '../common/input-checks';
import {
  hasEnded,
  abortUpdate,
  checkResultSignal,
  completeReviewUpdate,
  confirmManualStepUpdate,
  engineStateQuery,
  type EngineState,
  pauseUpdate,
  guardrailReadingsQuery,
  type MetricReadingInput,
  metricReadingSignal,
  phaseStateQuery,
  phaseWorkflowId,
  type PlanRolloutInput,
  resumeUpdate,
  rollbackUpdate,
  rolloutWorkflowId,
  WORKFLOW_TASK_TIMEOUT,
} from '../../../../workflows/engine/messages';
import { guardrailsFor } from '../../../../workflows/engine/guardrails';
import type { Actor, PhaseState } from '../../../../workflows/engine/phase';
import type { GuardrailReading } from '../../../../workflows/engine/watch';
import { API_CONFIG, type ApiConfig } from '../api.config';
import { graphQLError } from '../common/graphql-errors';
import { currentRequestKey } from '../common/request-context';
import { PlansService } from '../plans/plans.service';
import type { RolloutFilterInput } from './dto/rollout-actions.input';
import type { Rollout, RolloutConnection } from './models/rollout.model';
import { assertNewRolloutId } from './rollout-id';
import { toGraphQLError } from './rollouts.errors';
import { startedState, toRolloutModel, toRolloutSummary } from './rollouts.mapper';

const newRolloutId = (): string => randomBytes(5).toString('hex');

/** The workflow memo the API writes at start: what the engine's state does not carry. */
interface RolloutMemo {
  planVersionId?: string;
  title?: string;
}

export interface StartRollout {
  planVersionId: string;
  id?: string;
  title?: string;
  timeScale?: number;
}

export const MAX_PAGE = 100;

/** Cursor over (startedAt, rolloutId), newest first; opaque to clients. */
export const encodeCursor = (row: Pick<RolloutProjection, 'startedAt' | 'rolloutId'>): string =>
  Buffer.from(JSON.stringify([row.startedAt.getTime(), row.rolloutId])).toString('base64url');

/** What a cursor of ours holds: a sane start time (ms) and a rollout id (input-checks). */
const RolloutCursor = z.tuple([saneEpochMillis, idText]);

export function decodeCursor(cursor: string): { startedAt: Date; rolloutId: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const parsed = RolloutCursor.safeParse(value);
    if (parsed.success) return { startedAt: new Date(parsed.data[0]), rolloutId: parsed.data[1] };
  } catch {
    // falls through: not a cursor of ours
  }
  return undefined;
}

@Injectable()
export class RolloutsService {
  /**
   * A rollout's memo and a plan version are written once and never change (rollout IDs are never reused while
   * the server keeps the workflow), so actions route by a cached copy instead of a describe and a database
   * read each. A memo expires all the same: an ID may be reused once the server has let the workflow go.
   */
  private readonly memos = new LRUCache<string, RolloutMemo>({ max: 5_000, ttl: 15 * 60_000 });
  private readonly planVersions = new LRUCache<string, RolloutPlan>({ max: 200 });

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(TEMPORAL_CONFIG) private readonly config: TemporalConfig,
    @Inject(API_CONFIG) private readonly api: ApiConfig,
    private readonly plans: PlansService,
    private readonly em: EntityManager,
    private readonly audit: AuditLogService,
  ) {}

  async start(req: StartRollout, actor: string): Promise<Rollout> {
    const { timeScale } = req;
    if (timeScale !== undefined && !(Number.isFinite(timeScale) && timeScale > 0 && timeScale <= 1))
      throw graphQLError(
        'BAD_USER_INPUT',
        `timeScale must be greater than 0 and at most 1 (got ${timeScale})`,
      );
    const version = await this.plans.version(req.planVersionId);
    if (!version)
      throw graphQLError('NOT_FOUND', `Plan version ${req.planVersionId.slice(0, 80)} does not exist`);
    const plan = version.plan as unknown as RolloutPlan;
    const id = req.id ?? newRolloutId();
    assertNewRolloutId(id);
    const input: PlanRolloutInput = {
      rolloutId: id,
      plan,
      startedBy: actor,
      parameters: timeScale === undefined ? undefined : { timeScale },
    };
    const workflowId = rolloutWorkflowId(id);
    const memo: RolloutMemo = { planVersionId: version.id, title: req.title };
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
    this.memos.set(id, memo);
    // Answered once the rollout is in its first phase, so that the answer, and the action that follows it,
    // find it there. Without a worker to run it: after a while, as it stands before its workflow has run.
    const entered =
      plan.phases[0] && (await this.phaseAnswering(id, plan.phases[0].id, this.entryDeadline()));
    if (entered) return this.call(id, () => this.read(id, entered));
    return toRolloutModel(startedState(id, plan, actor, Date.now()), {
      ...memo,
      workflowId,
      webUiUrl: workflowUiUrl(this.config, workflowId),
      now: Date.now(),
    });
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

  /** Until when an answer waits for a rollout to enter a phase (its flags, its messages, its workflow). */
  private entryDeadline(): number {
    return Date.now() + Math.min(PHASE_ENTRY_WAIT_MS, this.api.actionTimeoutMs);
  }

  /** The phase's state once its workflow answers, or undefined when it has not by the deadline. */
  private async phaseAnswering(
    rolloutId: string,
    phaseId: string,
    deadline: number,
  ): Promise<PhaseState | undefined> {
    const phase = this.client.workflow.getHandle(phaseWorkflowId(rolloutId, phaseId));
    while (Date.now() < deadline) {
      const state = await this.client.connection
        .withDeadline(deadline, () => phase.query(phaseStateQuery))
        .catch(() => undefined);
      if (state) return state;
      await sleep(50);
    }
    return undefined;
  }

  /**
   * The rollout once it has moved on from a phase whose gate was just signed: in the next phase, whose
   * workflow answers (so an action sent next finds it), or in its reviews. One that does not move on within
   * the wait (paused, rolling back) is answered as it stands, with the phase as the sign-off left it.
   */
  private async movedOn(rolloutId: string, phaseId: string, signed: PhaseState): Promise<Rollout> {
    const rollout = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
    const deadline = this.entryDeadline();
    while (Date.now() < deadline) {
      const state = await rollout.query(engineStateQuery);
      if (state.status === 'PAUSED' || state.status === 'ROLLING_BACK' || hasEnded(state.status)) break;
      if (state.currentPhaseId !== phaseId) {
        const next = state.currentPhaseId
          ? await this.phaseAnswering(rolloutId, state.currentPhaseId, deadline)
          : undefined;
        return this.read(rolloutId, next);
      }
      await sleep(50);
    }
    return this.read(rolloutId, signed);
  }

  get(rolloutId: string): Promise<Rollout> {
    return this.call(rolloutId, () => this.read(rolloutId));
  }

  /** Lists rollouts from the projection (no workflow call), newest first. */
  async list(filter: RolloutFilterInput = {}, first = 20, after?: string): Promise<RolloutConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
      throw graphQLError('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE}`);
    const where: FilterQuery<RolloutProjection> = {};
    if (filter.status) where.status = filter.status;
    if (filter.plan) where.plan = filter.plan;
    if (filter.phase) where.currentPhase = filter.phase;
    const em = this.em.fork();
    const totalCount = await em.count(RolloutProjection, where);
    let page: FilterQuery<RolloutProjection> = where;
    if (after !== undefined) {
      const cursor = decodeCursor(after);
      if (!cursor) throw graphQLError('BAD_USER_INPUT', 'after is not a cursor this API gave out');
      page = {
        $and: [
          where,
          {
            $or: [
              { startedAt: { $lt: cursor.startedAt } },
              { startedAt: cursor.startedAt, rolloutId: { $lt: cursor.rolloutId } },
            ],
          },
        ],
      };
    }
    const rows = await em.find(RolloutProjection, page, {
      orderBy: { startedAt: 'desc', rolloutId: 'desc' },
      limit: first + 1,
    });
    const edges = rows
      .slice(0, first)
      .map((row) => ({ cursor: encodeCursor(row), node: toRolloutSummary(row) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor },
      totalCount,
    };
  }

  itemAction(rolloutId: string, action: ItemAction, phaseId?: string): Promise<Rollout> {
    const updateId = this.updateIdFor(rolloutId, 'item', { action, phaseId });
    return this.callUpdate(rolloutId, async () => {
      const plan = await this.planOf(rolloutId);
      const answered = await sendItemAction(this.client, plan, rolloutId, action, phaseId, updateId);
      return this.read(rolloutId, answered);
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
      const plan = await this.planOf(rolloutId);
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
      return this.read(rolloutId);
    });
  }

  /**
   * Pushes a metric reading to the rollout's current phase, whose guardrails evaluate it (a signal). Refused
   * when no guardrail of the plan reads the metric, or none of the current phase does. Answers the phase.
   */
  pushMetricSample(rolloutId: string, reading: MetricReadingInput): Promise<string> {
    return this.call(rolloutId, async () => {
      const plan = await this.planOf(rolloutId);
      if (!plan.guardrails.some((g) => g.metric === reading.metric))
        throw graphQLError(
          'BAD_USER_INPUT',
          `No guardrail of plan ${plan.metadata.name} reads "${reading.metric}"`,
          {
            rolloutId,
          },
        );
      const handle = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
      const { currentPhaseId, status } = await handle.query(engineStateQuery);
      // An ended rollout (or one rolling back) has no guardrail left to judge the reading.
      if (status === 'ROLLING_BACK' || hasEnded(status))
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
      await this.client.workflow
        .getHandle(phaseWorkflowId(rolloutId, currentPhaseId))
        .signal(metricReadingSignal, reading);
      return currentPhaseId;
    });
  }

  signOff(rolloutId: string, phaseId: string, actor: Actor, note?: string): Promise<Rollout> {
    const signOff = { actor, note };
    const updateId = this.updateIdFor(rolloutId, 'sign-off', { phaseId, signOff });
    return this.callUpdate(rolloutId, async () => {
      const plan = await this.planOf(rolloutId);
      const signed = await sendSignOff(this.client, plan, rolloutId, phaseId, signOff, updateId);
      return this.movedOn(rolloutId, phaseId, signed);
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

  /** An Update on the rollout workflow, answered with the rollout as it then stands. */
  private update<A>(rolloutId: string, def: UpdateDefinition<EngineState, [A]>, arg: A): Promise<Rollout> {
    const updateId = this.updateIdFor(rolloutId, def.name, arg);
    return this.callUpdate(rolloutId, async () => {
      const handle = this.client.workflow.getHandle(rolloutWorkflowId(rolloutId));
      await handle.executeUpdate(def, { args: [arg], updateId });
      return this.read(rolloutId);
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

  /**
   * The rollout's state, its current phase's state and the memo written at start. `answered` is the phase
   * state an Update has just answered with: while that phase is still the current one it stands in for the
   * phase query, and its guardrails are asked alongside the rollout, one round trip fewer for every action.
   */
  private async read(rolloutId: string, answered?: PhaseState): Promise<Rollout> {
    const workflowId = rolloutWorkflowId(rolloutId);
    const handle = this.client.workflow.getHandle(workflowId);
    const phase = (id: string) => this.client.workflow.getHandle(phaseWorkflowId(rolloutId, id));
    // Between phases (or on a worker without the guardrail query) the phase does not answer: show none.
    const guardrailsOf = (id: string) =>
      phase(id)
        .query(guardrailReadingsQuery)
        .catch((): GuardrailReading[] => []);
    const [state, memo, answeredGuardrails] = await Promise.all([
      handle.query(engineStateQuery),
      this.memoOf(rolloutId),
      answered ? guardrailsOf(answered.id) : undefined,
    ]);
    const current = state.currentPhaseId;
    const [currentPhase, guardrails] = !current
      ? [undefined, undefined]
      : answered?.id === current
        ? [answered, answeredGuardrails]
        : await Promise.all([
            phase(current)
              .query(phaseStateQuery)
              .catch((): PhaseState | undefined => undefined),
            guardrailsOf(current),
          ]);
    return toRolloutModel(state, {
      ...memo,
      currentPhase,
      guardrails,
      workflowId,
      webUiUrl: workflowUiUrl(this.config, workflowId),
      now: Date.now(),
    });
  }

  private async memoOf(rolloutId: string): Promise<RolloutMemo> {
    const cached = this.memos.get(rolloutId);
    if (cached) return cached;
    const raw = (await this.client.workflow.getHandle(rolloutWorkflowId(rolloutId)).describe()).memo ?? {};
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const memo = { planVersionId: str(raw.planVersionId), title: str(raw.title) };
    this.memos.set(rolloutId, memo);
    return memo;
  }

  /** The plan the rollout runs (its version's row): item actions are routed by it. */
  async planOf(rolloutId: string): Promise<RolloutPlan> {
    const { planVersionId } = await this.memoOf(rolloutId);
    const cached = planVersionId ? this.planVersions.get(planVersionId) : undefined;
    if (cached) return cached;
    const version = planVersionId ? await this.plans.version(planVersionId) : null;
    if (!version)
      throw graphQLError('NOT_FOUND', `Rollout ${rolloutId} was not started from a known plan version`, {
        rolloutId,
      });
    const plan = version.plan as unknown as RolloutPlan;
    this.planVersions.set(version.id, plan);
    return plan;
  }

  /**
   * Talks to a rollout's workflows within the action deadline (an Update waits for a worker, and must not
   * hold an HTTP request forever), and turns failures into typed GraphQL errors.
   */
  private async call<T>(rolloutId: string, fn: () => Promise<T>): Promise<T> {
    try {
      const deadline = Date.now() + this.api.actionTimeoutMs;
      return await beforeDeadline(deadline, this.client.connection.withDeadline(deadline, fn));
    } catch (err) {
      throw await this.explain(err, rolloutId);
    }
  }

  /**
   * As `call`, for work whose only change is an Update with a fixed ID: tried again, within the deadline,
   * while Temporal answers "not now" (the Update not processed by a worker, the workflow continuing as new,
   * too many Updates in flight, the server unreachable). A repeat of an Update ID is answered, not applied.
   */
  private async callUpdate<T>(rolloutId: string, fn: () => Promise<T>): Promise<T> {
    try {
      const deadline = Date.now() + this.api.actionTimeoutMs;
      return await beforeDeadline(
        deadline,
        retryTransient(() => this.client.connection.withDeadline(deadline, fn), deadline),
      );
    } catch (err) {
      throw await this.explain(err, rolloutId);
    }
  }

  /** A closed workflow looks "not found" to an Update; tell the caller the rollout has ended instead. */
  private async explain(err: unknown, rolloutId: string): Promise<unknown> {
    if (err instanceof ActionRefusedError) return graphQLError(err.code, err.message, { rolloutId });
    if (err instanceof WorkflowNotFoundError) {
      const closed = await this.client.workflow
        .getHandle(rolloutWorkflowId(rolloutId))
        .describe()
        .then(
          // The rollout's own status (ROLLED_BACK, ROLLBACK_FAILED …), not its workflow's (COMPLETED).
          (d) => ({ workflow: d.status.name, rollout: d.typedSearchAttributes.get(RolloutStatusKey) }),
          () => undefined,
        );
      if (closed && closed.workflow !== 'RUNNING') {
        const message = `Rollout ${rolloutId} has ended (${closed.rollout ?? closed.workflow}); it takes no more actions`;
        return graphQLError('CONFLICT', message, { rolloutId });
      }
    }
    return toGraphQLError(err, rolloutId);
  }
}
