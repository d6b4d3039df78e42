import {
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import type { ActionRecord } from './engine/actions';
import { phaseProgressSignal, progressRecordedSignal } from './engine/messages';

// How a phase answers an accepted action: audited first, and, when the action changed whether the phase waits
// for its sign-off alone, only once the rollout has recorded that (its status, search attributes and
// projection), so that every read agrees once the action has answered.

// Audit entries of people's actions, written before the Update answers; retried until the write succeeds
// (the entry is keyed by its activity, so once). Runs before the 'audit-actions-activity' patch wrote them
// from a local activity, which the SDK cannot hold together with concurrent Updates: a local activity that
// outlasts a workflow task makes the worker heartbeat that task, and Updates delivered meanwhile were
// rejected unprocessed ("wasn't processed by worker") or failed the task for good ("UpdateMachine in state
// CompletedCommandCreated …"). A regular activity takes the path every Update with an activity takes.
const auditRetry = { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' } as const;
const { recordAudit: recordActionLocally } = proxyLocalActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: auditRetry,
  summary: 'Audit',
});
const { recordAudit: recordActionInActivity } = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: auditRetry,
  summary: 'Audit',
});

/**
 * Accepted actions are audited before the Update answers (patched: older runs did not audit them). Without
 * a record to write, it answers synchronously, as it always did, so older histories replay.
 */
export function audited<T>(rolloutId: string, record: ActionRecord | undefined, answer: T): T | Promise<T> {
  if (!record || !patched('audit-actions')) return answer;
  const entry = { ...record, rolloutId, at: new Date().toISOString() };
  const write = patched('audit-actions-activity') ? recordActionInActivity : recordActionLocally;
  return write(entry).then(() => answer);
}

/** What continue-as-new carries of the reports: how many were sent, and how many the rollout recorded. */
export interface ReportCounts {
  sent: number;
  recorded: number;
}

/**
 * The phase's side of `phaseProgress` / `phaseProgressRecorded`: what the rollout was last told (whether only
 * the sign-off is left), and how many reports it has recorded. The rollout answers every report from its
 * current phase with one `phaseProgressRecorded`, in order, so a count tells which reports it has recorded.
 */
export class ProgressReports {
  private sent: number;
  private recorded: number;

  constructor(
    private readonly phaseId: string,
    /** Whether the rollout answers reports (PhaseInput.recordsProgress): without it, nothing waits. */
    private readonly answered: boolean,
    /** What the rollout was last told, or is about to be (claimed by an action). */
    public waitingForSignOff: boolean,
    counts?: ReportCounts,
  ) {
    this.sent = counts?.sent ?? 0;
    this.recorded = counts?.recorded ?? 0;
    setHandler(progressRecordedSignal, ({ phaseId }) => {
      if (phaseId === this.phaseId) this.recorded++;
    });
  }

  get counts(): ReportCounts {
    return { sent: this.sent, recorded: this.recorded };
  }

  /** Whether the rollout must be told `waiting` (a phase without a parent tells no one). */
  differs(waiting: boolean): boolean {
    return workflowInfo().parent !== undefined && waiting !== this.waitingForSignOff;
  }

  /** Tells the rollout `waiting`; resolves once the signal is delivered (a failure rejects). */
  async report(waiting: boolean): Promise<void> {
    this.waitingForSignOff = waiting;
    await this.send();
  }

  /**
   * How an action that changed `waiting` answers when the rollout records reports (patched: older runs answered
   * at once and the loop told the rollout): it claims the report at once (so the loop does not send it too), answers `answer` (its audit
   * entry), then tells the rollout and resolves only once the rollout has recorded it. Otherwise undefined.
   */
  answerAfterRecorded<T>(waiting: boolean, answer: () => T | Promise<T>): Promise<T> | undefined {
    if (!this.answered || !this.differs(waiting) || !patched('progress-recorded-before-answer'))
      return undefined;
    this.waitingForSignOff = waiting;
    return (async () => {
      const result = await answer();
      // The latest value, should another action have changed it meanwhile: the rollout ends up told the truth.
      const sent = await this.send().then(
        (n) => n,
        (err: unknown) => {
          if (isCancellation(err)) throw err;
          log.warn('phaseProgress not delivered', { phase: this.phaseId, err });
          return undefined;
        },
      );
      if (sent !== undefined) await condition(() => this.recorded >= sent);
      return result;
    })();
  }

  /** Sends what the rollout is to be told; returns the number of this report. */
  private async send(): Promise<number> {
    const parent = workflowInfo().parent;
    if (!parent) return this.sent;
    const n = ++this.sent;
    await getExternalWorkflowHandle(parent.workflowId).signal(phaseProgressSignal, {
      phaseId: this.phaseId,
      waitingForSignOff: this.waitingForSignOff,
    });
    return n;
  }
}
