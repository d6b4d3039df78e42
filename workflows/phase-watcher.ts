import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import type { WatcherResume } from '../activities/metric-watcher';
import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailOptions } from './engine/guardrails';
import {
  guardrailBreachSignal,
  type MetricsSettings,
  type NoDataNotice,
  type PhaseInput,
  type WatcherReport,
} from './engine/messages';
import { trackNoData, type NoDataEpisodes } from './engine/no-data';
import type { Breach, WatchState } from './engine/watch';
import { evaluateAll } from './engine/watcher-step';
import { ESCALATION_CHANNEL } from './phase-notices';

// A phase's metric watcher (source `prometheus`: one long-running activity instead of one activity per
// reading) and its no-data episodes (announced when they start and end, escalated once). Readings pushed
// or simulated are still judged in the workflow, and their episodes tracked here with the same functions.

/** A crashed worker's watcher is retried (from its heartbeat) within this much of its last heartbeat. */
export const WATCHER_HEARTBEAT_TIMEOUT = '10 seconds';

const { watchMetrics } = proxyActivities<RolloutActivities>({
  // An attempt lasts at most a day; the next resumes from its heartbeat, so a phase is watched for months.
  startToCloseTimeout: '1 day',
  heartbeatTimeout: WATCHER_HEARTBEAT_TIMEOUT,
  // No attempt limit: the watcher runs as long as the phase does.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  summary: 'Metric watcher',
});
const escalations = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 8 },
  summary: 'No-data escalation',
});

const where = (input: PhaseInput) => `${input.phase.name} (${input.plan}, rollout ${input.rolloutId})`;

/** Starts the phase's watcher; `stop()` cancels it (the phase ends or continues as new). */
export function startWatcher(
  input: PhaseInput,
  guardrails: Guardrail[],
  metrics: MetricsSettings,
  firstReadingAt?: number,
  resume?: WatcherResume,
): { stop: () => void } {
  const scope = new CancellationScope();
  scope
    .run(() =>
      watchMetrics({
        rolloutId: input.rolloutId,
        phaseId: input.phase.id,
        plan: input.plan,
        phaseWorkflowId: workflowInfo().workflowId,
        where: where(input),
        guardrails,
        cadenceMs: metrics.cadenceMs,
        ...(firstReadingAt !== undefined ? { firstReadingAt } : {}),
        ...(resume ? { resume } : {}),
        ...(metrics.missingData ? { missingData: metrics.missingData } : {}),
        ...(metrics.noDataEscalateAfter ? { noDataEscalateAfter: metrics.noDataEscalateAfter } : {}),
        escalationChannel: ESCALATION_CHANNEL,
      }),
    )
    .catch((err: unknown) => {
      if (!isCancellation(err)) log.error('Metric watcher stopped', { phase: input.phase.id, err });
    });
  return { stop: () => scope.cancel() };
}

type Notice = NoDataNotice & { message?: string };

/** The phase's no-data episodes and what is still to be done about them (in the phase's main loop). */
export class PhaseNoData {
  readonly episodes: NoDataEpisodes;
  private readonly pending: Notice[] = [];

  constructor(
    private readonly input: PhaseInput,
    private readonly guardrails: Guardrail[],
    carried: NoDataEpisodes | undefined,
  ) {
    this.episodes = carried ?? {};
  }

  get due(): boolean {
    return this.pending.length > 0;
  }

  /** The watcher's report: breaches not yet known are returned; episodes are deduplicated. */
  fromWatcher(report: WatcherReport, watch: WatchState): Breach[] {
    const found: Breach[] = [];
    for (const b of report.breaches) {
      const guardrail = this.guardrails.find((g) => g.id === b.guardrailId);
      if (!guardrail || watch.reported.includes(guardrail.id)) continue;
      watch.reported.push(guardrail.id);
      const evaluation = {
        outcome: 'breach' as const,
        readings: b.readings,
        value: b.value,
        reason: b.reason,
      };
      found.push({ guardrail, evaluation });
    }
    for (const notice of report.noData) {
      const open = this.episodes[notice.guardrailId];
      const known = open?.since === notice.since;
      if (notice.kind === 'started' && known) continue;
      if (notice.kind === 'ended' && !open) continue;
      if (notice.kind === 'escalated' && known && open.escalated) continue;
      if (notice.kind === 'ended') delete this.episodes[notice.guardrailId];
      else
        this.episodes[notice.guardrailId] = {
          guardrailId: notice.guardrailId,
          metric: notice.metric,
          since: notice.since,
          state: notice.state,
          escalated: notice.kind === 'escalated' || (known && open.escalated),
        };
      this.pending.push(notice);
    }
    return found;
  }

  /** Pushed or simulated readings were observed: episodes tracked in the workflow. */
  afterReadings(watch: WatchState, now: number, options: GuardrailOptions, metrics: MetricsSettings): void {
    const evaluations = evaluateAll(watch, this.guardrails, now, options);
    const settings = { cadenceMs: metrics.cadenceMs, escalateAfter: metrics.noDataEscalateAfter };
    for (const event of trackNoData(this.episodes, evaluations, now, settings, where(this.input))) {
      const { guardrailId, metric, since, state } = event.episode;
      const notice = { guardrailId, metric, since, state };
      if (event.kind === 'started') this.pending.push({ kind: 'started', ...notice });
      else if (event.kind === 'ended') this.pending.push({ kind: 'ended', ...notice, at: event.at });
      else this.pending.push({ kind: 'escalated', ...notice, message: event.message });
    }
  }

  /** Logs each notice; a start under a `pause` policy pauses the rollout; an escalation is sent once. */
  async act(): Promise<void> {
    const parent = workflowInfo().parent;
    const phase = this.input.phase.id;
    for (const notice of this.pending.splice(0)) {
      const attrs = { phase, guardrail: notice.guardrailId, metric: notice.metric, ...notice.state };
      if (notice.kind === 'ended') {
        log.info('Guardrail has data again', {
          ...attrs,
          lastedMs: (notice.at ?? notice.since) - notice.since,
        });
      } else if (notice.kind === 'started') {
        log.warn('Guardrail has no data', attrs);
        if (notice.state.policy !== 'pause' || !parent) continue;
        // The rollout's own pause path, as a guardrail whose action is `pause`.
        await getExternalWorkflowHandle(parent.workflowId).signal(guardrailBreachSignal, {
          phaseId: phase,
          guardrailId: notice.guardrailId,
          action: { type: 'pause' },
          reason: `no data (${notice.state.detail}), pauses the rollout`,
          value: null,
          readings: [],
        });
      } else if (notice.message === undefined) {
        log.warn('Guardrail without data escalated by its watcher', attrs);
      } else {
        log.warn('Guardrail without data escalated', attrs);
        await escalations
          .notify({
            rolloutId: this.input.rolloutId,
            channel: ESCALATION_CHANNEL,
            message: notice.message,
            kind: 'guardrail.no-data',
            details: { phaseId: phase, guardrailId: notice.guardrailId },
            idempotencyKey: `${workflowInfo().workflowId}/no-data/${notice.guardrailId}/${notice.since}`,
          })
          .catch((err: unknown) => log.warn('No-data escalation not sent', { ...attrs, err }));
      }
    }
  }
}
