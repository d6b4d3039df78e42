import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { RolloutProjection } from '../../../../../libs/persistence/src';
import { TEMPORAL_CLIENT } from '../../../../../libs/temporal/src';
import {
  engineStateQuery,
  phaseStateQuery,
  phaseWorkflowId,
  rolloutWorkflowId,
} from '../../../../../workflows/engine/messages';
import type { Actor, PhaseState } from '../../../../../workflows/engine/phase';
import { API_CONFIG, type ApiConfig } from '../../api.config';
import { graphQLError } from '../../common/graphql-errors';
import { WAITING_SCAN_CAP } from '../../common/query-limits';
import { RolloutReadsService } from '../rollout-reads.service';
import { CLOSED_STATUSES } from '../rollout-status';
import { rolloutPolicies } from './caller-actions';
import { type Waiting, waitingIn } from './waiting';

/** Most entries one page of waitingOnMe gives. */
export const MAX_WAITING_PAGE = 100;
/** Rollouts asked at once (each: its state, its current phase's, its memo once). */
const CONCURRENCY = 5;

export interface WaitingPage {
  entries: (Waiting & { rolloutTitle?: string })[];
  totalCount: number;
  scanned: number;
  truncated: boolean;
}

/**
 * What waits on the caller across live rollouts. The projection names the live ones (not closed), most
 * recently changed first, at most WAITING_SCAN_CAP of them; each is then read as rollout(id) reads it (its
 * state and its current phase's, by query) and asked of the engine's rules with the caller as the actor. A
 * rollout that does not answer in time is left out, not an error.
 */
@Injectable()
export class WaitingOnMeService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_CONFIG) private readonly api: ApiConfig,
    private readonly reads: RolloutReadsService,
    private readonly em: EntityManager,
  ) {}

  async list(actor: Actor, first = 20, plan?: string): Promise<WaitingPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_WAITING_PAGE)
      throw graphQLError('BAD_USER_INPUT', `first must be between 0 and ${MAX_WAITING_PAGE}`);
    const rows = await this.em
      .fork()
      .find(
        RolloutProjection,
        { status: { $nin: [...CLOSED_STATUSES] }, ...(plan ? { plan } : {}) },
        { orderBy: { updatedAt: 'desc', rolloutId: 'desc' }, limit: WAITING_SCAN_CAP + 1 },
      );
    const scanned = rows.slice(0, WAITING_SCAN_CAP);
    const deadline = Date.now() + this.api.actionTimeoutMs;
    const found: WaitingPage['entries'] = [];
    let next = 0;
    const worker = async () => {
      while (next < scanned.length) {
        const row = scanned[next++];
        const title = row.rolloutTitle ?? row.title ?? undefined;
        found.push(...(await this.waitingIn(row.rolloutId, title, actor, deadline).catch(() => [])));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    found.sort((a, b) => (a.since ?? 0) - (b.since ?? 0) || a.rolloutId.localeCompare(b.rolloutId));
    return {
      entries: found.slice(0, first),
      totalCount: found.length,
      scanned: scanned.length,
      truncated: rows.length > WAITING_SCAN_CAP,
    };
  }

  private async waitingIn(
    rolloutId: string,
    /** As the rollouts list names it: its own title, else its plan's. */
    title: string | undefined,
    actor: Actor,
    deadline: number,
  ): Promise<WaitingPage['entries']> {
    return this.client.connection.withDeadline(deadline, async () => {
      const [state, memo] = await Promise.all([
        this.client.workflow.getHandle(rolloutWorkflowId(rolloutId)).query(engineStateQuery),
        this.reads.memoOf(rolloutId),
      ]);
      const current = state.currentPhaseId;
      const phase = current
        ? await this.client.workflow
            .getHandle(phaseWorkflowId(rolloutId, current))
            .query(phaseStateQuery)
            .catch((): PhaseState | undefined => undefined)
        : undefined;
      const policies = rolloutPolicies(memo.access);
      return waitingIn({ state, phase, policies }, actor, Date.now()).map((w) => ({
        ...w,
        rolloutTitle: memo.title ?? title,
      }));
    });
  }
}
