import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FlagValue, Guardrail, RolloutPlan, TriggerAction } from '../../libs/plan/src/model';
import type { MissingDataOutcome, NoDataState } from './guardrails';
import type { NoDataEpisodes } from './no-data';
import type { ScenarioTimelines } from './metric-source';
import type { Sample } from './samples';
import type { GuardrailReading, WatchState } from './watch';
import type { ActionPolicy, ItemAction, SignOff } from './actions';
import type { Actor, PhaseState } from './phase';
import type { Compensation, RollbackProgress } from './rollback';

// The plan engine's messages, declared once for the workflows and the API. Human actions are Updates
// (validated, answered at once); automation (probe results, breaches) may signal.

/** The task queue the worker polls and the API starts rollouts on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const ROLLOUT_TASK_QUEUE_DEFAULT = 'rollouts';

export const rolloutWorkflowId = (rolloutId: string): string => `rollout-${rolloutId}`;
/**
 * The workflow task timeout of rollouts and phases (Temporal's default is 10 s). A task that outlives its
 * timeout on a busy worker is retried from a replay, and replays of concurrent Updates are where the SDK's
 * known faults lie (a phase stuck on "No command scheduled for … UpdateAccepted"): a starved worker gets a
 * minute to finish its task instead.
 */
export const WORKFLOW_TASK_TIMEOUT = '1 minute';

export const phaseWorkflowId = (rolloutId: string, phaseId: string): string =>
  `rollout-${rolloutId}-phase-${phaseId}`;

export type EngineStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING_FOR_SIGN_OFF'
  | 'PAUSED'
  | 'ROLLING_BACK'
  | 'ROLLED_BACK'
  | 'ROLLBACK_FAILED'
  | 'IN_REVIEW'
  | 'COMPLETED'
  | 'ABORTED';

/**
 * Where a rollout ends: nothing moves it on. ROLLBACK_FAILED is not an end: the workflow stays open until a
 * person retries or resolves the failed step (runs recorded before issue 12 did end there).
 */
export const ENDED_STATUSES: readonly EngineStatus[] = ['ROLLED_BACK', 'COMPLETED', 'ABORTED'];
/** Whether a rollout has ended (a status as the engine, the projection or the audit log spell it). */
export const hasEnded = (status: string): boolean => (ENDED_STATUSES as readonly string[]).includes(status);

export interface RolloutParameters {
  /** Multiplies every soak and sustain duration (e.g. 0.001 in a rehearsal); 1 = as planned. */
  timeScale?: number;
  metrics?: Partial<MetricsSettings>;
  historyLimit?: number;
  /** Roles that may sign a phase gate when the plan names none. */
  gateRoles?: string[];
  /** The phase's action policy, and who may operate the rollout (ROLE_POLICY.operatorRoles by default). */
  policy?: Partial<ActionPolicy> & { operatorRoles?: string[] };
}

export interface PlanRolloutInput {
  rolloutId: string;
  plan: RolloutPlan;
  startedBy: string;
  parameters?: RolloutParameters;
}

export interface PhaseInput {
  rolloutId: string;
  plan: string;
  phase: RolloutPlan['phases'][number];
  gateRoles: string[];
  policy: ActionPolicy;
  timeScale: number;
  /** The guardrails watching this phase. */
  guardrails?: Guardrail[];
  metrics?: MetricsSettings;
  /** Events after which the phase continues as new (default 4,000); lower only to exercise it in tests. */
  historyLimit?: number;
  /** When the rollout started (epoch ms): simulated metric timelines count from it. */
  rolloutStartedAt?: number;
  /**
   * When the rollout entered this phase (epoch ms; the phase's `enteredAt` in the rollout, set as it becomes
   * ENTERING, before its flags, messages and this workflow start): the metric watcher's first reading time, so
   * the phase is watched from the moment the API shows it entered. Absent (older rollouts): this workflow's start.
   */
  phaseEnteredAt?: number;
  /**
   * Set by a rollout that answers every phaseProgress report of its current phase with phaseProgressRecorded,
   * whatever its status. Only then does an action that changed waitingForSignOff wait for that answer: a
   * rollout started before the protocol never answers, and its phases answer at once, as before.
   */
  recordsProgress?: boolean;
  /** State carried into a new run by continue-as-new. */
  carried?: {
    state: PhaseState;
    watch: WatchState;
    held: boolean;
    waitingForSignOff: boolean;
    /** Progress reports sent to the rollout, and how many it has recorded (phaseProgressRecorded). */
    reports?: { sent: number; recorded: number };
    /** Simulated source: ends of windows opened by readings already taken. */
    windowEnds?: number[];
    lastSimulatedReading?: number;
    /** Open no-data episodes (as the phase knows them), so a new run neither repeats nor misses their end. */
    noData?: NoDataEpisodes;
    /** Source `prometheus`: when this run stopped its watcher (the next run's watcher reads a window back). */
    watcherStoppedAt?: number;
  };
}

export interface MetricsSettings {
  /**
   * `pushed`: readings arrive as signals; `prometheus`: the phase queries the metric every cadence;
   * `simulated`: the scenario's timelines, read only when a value changes or a window closes.
   */
  source: 'pushed' | 'prometheus' | 'simulated';
  cadenceMs: number;
  missingData?: MissingDataOutcome;
  /** Cadences without data before the one escalation message of a no-data episode (default 5). */
  noDataEscalateAfter?: number;
  /** For `simulated`: metric timelines as offsets from the rollout start, and values before any change. */
  scenario?: { timelines: ScenarioTimelines; defaults?: Record<string, number | null> };
}

export interface MetricReadingInput {
  metric: string;
  value: number | null;
  /** Epoch ms; defaults to when the workflow receives it. */
  at?: number;
  /**
   * The unit `value` is in (the metric catalogue's, attached by the API); the guardrails convert it to theirs.
   * Absent: the guardrail's own unit (readings sent before catalogues).
   */
  unit?: string;
}

export interface BreachReport {
  phaseId: string;
  guardrailId: string;
  action: TriggerAction;
  reason: string;
  value: number | null;
  readings: Sample[];
}

/** A no-data episode's start, end or escalation, as the metric watcher reports it to its phase. */
export interface NoDataNotice {
  kind: 'started' | 'ended' | 'escalated';
  guardrailId: string;
  metric: string;
  /** Epoch ms the episode started. */
  since: number;
  state: NoDataState;
  /** Epoch ms of the reading that ended it (`ended`). */
  at?: number;
}

/** What the metric watcher activity tells its phase: only what matters (breaches, no-data episodes). */
export interface WatcherReport {
  breaches: Omit<BreachReport, 'phaseId' | 'action'>[];
  noData: NoDataNotice[];
}

export interface PhaseSummary {
  id: string;
  name: string;
  /** ENTERING: its flags and messages are applied and its workflow started, not yet running (phaseEntered). */
  status: 'PENDING' | 'ENTERING' | 'RUNNING' | 'COMPLETED' | 'CANCELLED';
  enteredAt?: number;
  completedAt?: number;
  /** The phase's final state, once it has ended. */
  result?: PhaseState;
}

export interface ReviewState {
  id: string;
  title: string;
  dueAt?: number;
  completedBy?: string;
  completedAt?: number;
  note?: string;
  /** PENDING until due, DUE once announced; CANCELLED when the rollout did not launch (rolled back, aborted). */
  status?: 'PENDING' | 'DUE' | 'COMPLETED' | 'CANCELLED';
  cancelledAt?: number;
}

export interface EngineState {
  rolloutId: string;
  plan: string;
  status: EngineStatus;
  /** The status to go back to on resume. */
  pausedFrom?: EngineStatus;
  breaches: (BreachReport & { at: number })[];
  currentPhaseId?: string;
  startedBy: string;
  startedAt: number;
  endedAt?: number;
  phases: PhaseSummary[];
  compensations: Compensation[];
  rollback?: RollbackProgress;
  reviews: ReviewState[];
  events: { at: number; what: string }[];
  /** The flag values as this rollout last wrote them to the store (each phase's states, then any restore). */
  flags?: Record<string, FlagValue>;
  /** Filled in by the query: the timers still to fire, soonest first. */
  timers?: PendingTimer[];
}

export interface PendingTimer {
  kind: 'soak' | 'review' | 'rollback-budget';
  /** As a person reads it ("Soak: Pilot, 14 days"). */
  summary: string;
  dueAt: number;
}

export interface RollbackRequest {
  actor: Actor;
  level?: string;
  reason: string;
}

export interface ActorRequest {
  actor: Actor;
}
export interface PauseRequest extends ActorRequest {
  reason?: string;
}
export interface AbortRequest extends ActorRequest {
  reason: string;
}
export interface ReviewCompletion extends ActorRequest {
  reviewId: string;
  note?: string;
}
export interface ManualStepConfirmation extends ActorRequest {
  stepId: string;
}
/** Run a failed rollback step again (e.g. once its hook's URL is configured). */
export interface RollbackStepRetry extends ActorRequest {
  stepId: string;
}
/** Record that a person did a failed rollback step by hand; the rollback then goes on. */
export interface RollbackStepResolution extends ActorRequest {
  stepId: string;
  note: string;
  evidence?: string;
}
/** Wait until the rollout has moved on from phase `after` (or, without it, has entered its first phase). */
export interface AwaitPhaseRequest {
  after?: string;
}

// Phase workflow (rollout-<id>-phase-<phaseId>)
export const phaseStateQuery = defineQuery<PhaseState>('getPhaseState');
/** Each guardrail watching the phase: its condition, latest reading and how it stands now. */
export const guardrailReadingsQuery = defineQuery<GuardrailReading[]>('getGuardrailReadings');
export const itemActionUpdate = defineUpdate<PhaseState, [ItemAction]>('checklistItemAction');
export const signOffUpdate = defineUpdate<PhaseState, [SignOff]>('signOffGate');
export const checkResultSignal = defineSignal<[{ itemId: string; healthy: boolean }]>('checkResult');
export const holdSignal = defineSignal<[{ hold: boolean }]>('hold');
/** Automation pushes metric readings to the current phase (rollout-<id>-phase-<phaseId>). */
export const metricReadingSignal = defineSignal<[MetricReadingInput]>('metricReading');
/** From the phase's metric watcher activity (source `prometheus`): breaches and no-data episodes. */
export const watcherReportSignal = defineSignal<[WatcherReport]>('metricWatcherReport');

// Rollout workflow (rollout-<id>)
/** From a phase to its rollout: a guardrail breached; the rollout carries out its action. */
export const guardrailBreachSignal = defineSignal<[BreachReport]>('guardrailBreach');
/** From the current phase to its rollout: whether only the gate's sign-off is left (WAITING_FOR_SIGN_OFF). */
export const phaseProgressSignal =
  defineSignal<[{ phaseId: string; waitingForSignOff: boolean }]>('phaseProgress');
/** From a phase to its rollout, in the phase's first workflow task: its workflow runs and answers queries. */
export const phaseEnteredSignal = defineSignal<[{ phaseId: string }]>('phaseEntered');
/**
 * From a rollout to its current phase: the phase's last progress report (waitingForSignOff) has reached the
 * rollout's status, search attributes and projection. An action that changed it answers only after this.
 */
export const progressRecordedSignal =
  defineSignal<[{ phaseId: string; waitingForSignOff: boolean }]>('phaseProgressRecorded');
export const engineStateQuery = defineQuery<EngineState>('getRolloutState');
export const pauseUpdate = defineUpdate<EngineState, [PauseRequest]>('pauseRollout');
export const resumeUpdate = defineUpdate<EngineState, [ActorRequest]>('resumeRollout');
export const rollbackUpdate = defineUpdate<EngineState, [RollbackRequest]>('requestRollback');
export const abortUpdate = defineUpdate<EngineState, [AbortRequest]>('abortRollout');
export const completeReviewUpdate = defineUpdate<
  EngineState,
  [{ actor: Actor; reviewId: string; note?: string }]
>('completeReview');
export const confirmManualStepUpdate = defineUpdate<EngineState, [ManualStepConfirmation]>(
  'confirmManualStep',
);
export const retryRollbackStepUpdate = defineUpdate<EngineState, [RollbackStepRetry]>('retryRollbackStep');
export const resolveRollbackStepUpdate = defineUpdate<EngineState, [RollbackStepResolution]>(
  'resolveRollbackStep',
);
/**
 * Answers the rollout's state once it stands where the next action can reach it: in a phase other than
 * `after` whose workflow runs (phaseEntered received), in review, paused, rolling back, ROLLBACK_FAILED or
 * ended. Changes nothing; the API waits on it after a start and after a sign-off instead of polling.
 */
export const awaitPhaseUpdate = defineUpdate<EngineState, [AwaitPhaseRequest]>('awaitPhase');
