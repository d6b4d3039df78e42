import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { RolloutProjection } from '../../../../libs/persistence/src';
import type { RolloutPlan } from '../../../../libs/plan/src';
import {
  TEMPORAL_CLIENT,
  TEMPORAL_CONFIG,
  type TemporalConfig,
  workflowUiUrl,
} from '../../../../libs/temporal/src';
import {
  engineStateQuery,
  type EngineState,
  guardrailReadingsQuery,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
} from '../../../../workflows/engine/messages';
import type { PhaseState } from '../../../../workflows/engine/phase';
import type { GuardrailReading } from '../../../../workflows/engine/watch';
import { API_CONFIG, type ApiConfig } from '../api.config';
import { graphQLError } from '../common/graphql-errors';
import { idText, saneEpochMillis } from '../common/input-checks';
import { PlansService } from '../plans/plans.service';
import type { RolloutFilterInput } from './dto/rollout-actions.input';
import type { Rollout, RolloutConnection } from './models/rollout.model';
import { withinDeadline } from './rollout-calls';
import { TERMINATED } from './rollout-status';
import { toRolloutModel, toRolloutSummary } from './rollouts.mapper';
import type { MetricsChoice } from './metrics-parameters';

/** The metrics choice a memo holds, if it holds one (rollouts started before it, or by the CLI, do not). */
function metricsChoiceOf(raw: unknown): MetricsChoice | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { source, cadenceSeconds } = raw as Record<string, unknown>;
  return (source === 'prometheus' || source === 'pushed') && typeof cadenceSeconds === 'number'
    ? { source, cadenceSeconds }
    : undefined;
}

/** The workflow memo the API writes at start: what the engine's state does not carry. */
export interface RolloutMemo {
  planVersionId?: string;
  title?: string;
  /** How its guardrails read their metrics (PlanRolloutInput.parameters.metrics), as the API started it. */
  metrics?: MetricsChoice;
}

/** What an action has just been answered with, standing in for a query of the same workflow. */
export interface Answered {
  /** The rollout's state as its Update (or awaitPhase) answered it. */
  state?: EngineState;
  /** The phase's state as its Update answered it. */
  phase?: PhaseState;
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

/**
 * Rollouts as they are read: one live from its workflows (rollout(id)), many from the projection (rollouts).
 * The workflows write the projection before they answer an action, so the two agree once it has answered.
 */
@Injectable()
export class RolloutReadsService {
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
  ) {}

  get(rolloutId: string): Promise<Rollout> {
    return withinDeadline(this.client, rolloutId, this.api.actionTimeoutMs, () => this.read(rolloutId));
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

  /**
   * The rollout's state, its current phase's state and the memo written at start. What an action has just
   * been answered with stands in for the query of the same workflow: the rollout's status is then the one the
   * engine answered (and wrote to the projection before answering), and an answered phase that is still the
   * current one needs no query either. Its guardrails are asked alongside, one round trip fewer per action.
   * A rollout the reconciler found terminated in Temporal reads TERMINATED, as the list does.
   */
  async read(rolloutId: string, answered: Answered = {}): Promise<Rollout> {
    const workflowId = rolloutWorkflowId(rolloutId);
    const handle = this.client.workflow.getHandle(workflowId);
    const phase = (id: string) => this.client.workflow.getHandle(phaseWorkflowId(rolloutId, id));
    // Between phases (or on a worker without the guardrail query) the phase does not answer: show none.
    const guardrailsOf = (id: string) =>
      phase(id)
        .query(guardrailReadingsQuery)
        .catch((): GuardrailReading[] => []);
    const answeredPhase = answered.phase;
    const [state, memo, answeredGuardrails, terminated] = await Promise.all([
      answered.state ?? handle.query(engineStateQuery),
      this.memoOf(rolloutId),
      answeredPhase ? guardrailsOf(answeredPhase.id) : undefined,
      answered.state ? false : this.terminated(rolloutId),
    ]);
    const current = state.currentPhaseId;
    const [currentPhase, guardrails] = !current
      ? [undefined, undefined]
      : answeredPhase?.id === current
        ? [answeredPhase, answeredGuardrails]
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
      terminated,
      workflowId,
      webUiUrl: workflowUiUrl(this.config, workflowId),
      now: Date.now(),
    });
  }

  /** Whether the reconciler has marked the rollout's projection row TERMINATED. */
  private async terminated(rolloutId: string): Promise<boolean> {
    const row = await this.em
      .fork()
      .findOne(RolloutProjection, { rolloutId }, { fields: ['status'] })
      .catch(() => null);
    return row?.status === TERMINATED;
  }

  /** Remembers the memo a rollout was just started with. */
  remember(rolloutId: string, memo: RolloutMemo): void {
    this.memos.set(rolloutId, memo);
  }

  async memoOf(rolloutId: string): Promise<RolloutMemo> {
    const cached = this.memos.get(rolloutId);
    if (cached) return cached;
    const raw = (await this.client.workflow.getHandle(rolloutWorkflowId(rolloutId)).describe()).memo ?? {};
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const memo = {
      planVersionId: str(raw.planVersionId),
      title: str(raw.title),
      metrics: metricsChoiceOf(raw.metrics),
    };
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
}
