import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { RolloutPlan } from '../../libs/plan/src/model';
import type { EngineState, EngineStatus } from '../engine/messages';
import { failedStep } from '../engine/rollback';
import { RolloutIdKey, RolloutPhaseKey, RolloutPlanKey, RolloutStatusKey } from '../search-attributes';
import { forward } from './effects';

// Every status change of a rollout, recorded alike: its state, the search attributes and current details
// (published at once), the projection (lists), then the audit entry `rollout.transition`. With
// `projectionFirst` (patched) the projection is written before the audit entry, one transition after another:
// an event seen in the audit log means the list already shows it. Older runs wrote the audit entry first.

export class RolloutRecorder {
  private version = 0;
  private pending = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: EngineState,
    private readonly plan: RolloutPlan,
    private readonly wfId: string,
    private readonly projectionFirst: boolean,
  ) {}

  record(what: string): void {
    const { events } = this.state;
    events.push({ at: Date.now(), what });
    if (events.length > 200) events.splice(0, events.length - 200);
  }

  /** The status changes now (queries and validators see it at once); its writes follow in order. */
  transition(
    status: EngineStatus,
    what: string,
    actor = 'engine',
    extra?: Record<string, unknown>,
  ): Promise<void> {
    const { state } = this;
    state.status = status;
    this.record(what);
    this.publish();
    const audit = {
      rolloutId: state.rolloutId,
      actor,
      action: 'rollout.transition',
      target: status,
      payload: { what, phase: state.currentPhaseId, ...extra },
      at: new Date().toISOString(),
    };
    if (!this.projectionFirst) {
      return forward
        .recordAudit(audit)
        .then(() => forward.updateProjection({ ...this.projection(), status }))
        .then(() => undefined);
    }
    const projection = this.projection();
    this.pending++;
    const write = this.writes.then(async () => {
      await forward.updateProjection(projection);
      await forward.recordAudit(audit);
    });
    this.writes = write.catch(() => undefined).finally(() => this.pending--);
    return write;
  }

  /** No transition is still being written: the projection and the audit log show the status queries show. */
  idle(): boolean {
    return this.pending === 0;
  }

  private projection() {
    const { state } = this;
    return {
      rolloutId: state.rolloutId,
      workflowId: this.wfId,
      plan: state.plan,
      title: this.plan.metadata.title ?? null,
      status: state.status,
      currentPhase: state.currentPhaseId ?? null,
      startedAt: new Date(state.startedAt).toISOString(),
      updatedAt: new Date().toISOString(),
      completedAt: state.endedAt ? new Date(state.endedAt).toISOString() : null,
      version: ++this.version,
    };
  }

  /** Search attributes and the Web UI's current details: where the rollout stands, and what it waits on. */
  publish(): void {
    const { state, plan } = this;
    upsertSearchAttributes([
      { key: RolloutIdKey, value: state.rolloutId },
      { key: RolloutPlanKey, value: state.plan },
      { key: RolloutStatusKey, value: state.status },
      { key: RolloutPhaseKey, value: state.currentPhaseId ?? '' },
    ]);
    const phase = state.phases.find((p) => p.id === state.currentPhaseId);
    const lines = [
      `**${state.status}** — ${plan.metadata.title ?? state.plan}${phase ? `, phase ${phase.name}` : ''}`,
    ];
    const failed = state.status === 'ROLLBACK_FAILED' ? failedStep(state.rollback) : undefined;
    if (failed && this.projectionFirst) {
      lines.push(
        `Rollback step **${failed.title}** (\`${failed.id}\`) failed: ${failed.error ?? 'failed'}.`,
        'Retry it (retryRollbackStep) once it can run, or do it by hand and resolve it (resolveRollbackStep).',
      );
    }
    setCurrentDetails(lines.join('\n\n'));
  }
}
