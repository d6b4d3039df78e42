import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import {
  type ActionPolicy,
  type ActionRecord,
  applyItemAction,
  applySignOff,
  checkItemAction,
  checkSignOff,
  DEFAULT_POLICY,
  itemActionRecord,
  type ItemAction,
  type SignOff,
  signOffRecord,
} from './engine/actions';
import {
  checkResultSignal,
  guardrailBreachSignal,
  holdSignal,
  itemActionUpdate,
  metricReadingSignal,
  phaseEnteredSignal,
  phaseProgressSignal,
  guardrailReadingsQuery,
  phaseStateQuery,
  signOffUpdate,
  type PhaseInput,
} from './engine/messages';
import {
  enterPhase,
  nextTimeChange,
  observeSustained,
  onlySignOffLeft,
  tickSustained,
  waitsOf,
  type PhaseState,
} from './engine/phase';
import {
  dueTimers,
  nextItemTimer,
  overdueItems,
  recordTimer,
  scaleItemTimers,
  type ItemTimer,
} from './engine/item-timers';
import { readSimulated, simulatedSource } from './engine/metric-source';
import type { Sample } from './engine/samples';
import {
  emptyWatch,
  guardrailReadings,
  observeReadings,
  watchedMetrics,
  windowsOf,
  type Breach,
} from './engine/watch';
import { humanDuration } from './engine/durations';
import { refusal } from './refusals';

const { queryMetric } = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 3 },
  summary: 'Metric reading',
});
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
// Reminders and escalations are retried for a few minutes, then given up (and logged): the phase must not
// stall on a chat webhook. The outbox keeps the message either way.
const remindersRetry = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  maximumAttempts: 8,
} as const;
const reminders = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: remindersRetry,
  summary: 'Check-in reminder',
});
const escalations = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: remindersRetry,
  summary: 'Deadline escalation',
});

/** Where check-in reminders go; `NOTIFY_WEBHOOK_URLS` may route it, else the default webhook takes it. */
export const CHECK_IN_CHANNEL = 'check-ins';
/** Where passed deadlines go, as rollback budget overruns do. */
export const ESCALATION_CHANNEL = 'escalation';

/** Past this many events a phase starts a fresh run (continue-as-new), carrying its state. */
export const HISTORY_LIMIT = 4000;

/**
 * One phase (rollout-<id>-phase-<phaseId>): holds the phase until every item is done, sustained conditions
 * have held, the soak has passed and the gate is signed. The parent applies flags and messages on entry
 * and owns rollback; this workflow only decides when the phase may be left.
 */
export async function phaseWorkflow(input: PhaseInput): Promise<PhaseState> {
  // The first workflow task records this patch's marker, so it is never empty. A run whose first task made no
  // command and whose next task accepted an Update cannot always be replayed by the SDK's core after the worker
  // lost its cache (sdk-rust issue #1146: "No command scheduled for event … WorkflowExecutionUpdateAccepted");
  // busy workers lose it (a workflow task timed out), and the phase then failed every task for good.
  patched('first-task-not-empty');
  const state = input.carried?.state ?? scaled(enterPhase(input.phase, Date.now()), input.timeScale);
  const watch = input.carried?.watch ?? emptyWatch();
  const guardrails = input.guardrails ?? [];
  const metrics = input.metrics ?? { source: 'pushed', cadenceMs: 60_000 };
  const breaches: Breach[] = [];
  const simulated =
    metrics.source === 'simulated' && metrics.scenario && guardrails.length
      ? simulatedSource(
          metrics.scenario.timelines,
          input.rolloutStartedAt ?? state.enteredAt,
          metrics.scenario.defaults,
        )
      : undefined;
  let windowEnds = input.carried?.windowEnds ?? [];
  let nextReading = simulated ? Date.now() : undefined;
  let lastSimulatedReading = input.carried?.lastSimulatedReading;
  let held = input.carried?.held ?? false;
  let changes = 0; // bumped by every handler, so the wait below wakes on any change
  const changed = () => changes++;

  // Users compared by their key (`Otto` is `otto`), as roles are. Patched: older runs compared them exactly.
  const policy: ActionPolicy = {
    ...(input.policy ?? DEFAULT_POLICY),
    foldUserNames: patched('fold-user-names'),
  };
  setHandler(phaseStateQuery, () => state);
  /**
   * Accepted actions are audited before the Update answers (patched: older runs did not audit them). Without
   * a record to write, the handler answers synchronously, as it always did, so older histories replay.
   */
  const audited = <T>(record: ActionRecord | undefined, answer: T): T | Promise<T> => {
    if (!record || !patched('audit-actions')) return answer;
    const entry = { ...record, rolloutId: input.rolloutId, at: new Date().toISOString() };
    const write = patched('audit-actions-activity') ? recordActionInActivity : recordActionLocally;
    return write(entry).then(() => answer);
  };
  setHandler(
    itemActionUpdate,
    (action) => {
      const record = itemActionRecord(state, action);
      applyItemAction(state, action, Date.now());
      changed();
      return audited(record, state);
    },
    {
      validator: (action: ItemAction) => {
        const refused = checkItemAction(state, action, policy);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );
  setHandler(
    signOffUpdate,
    (signOff) => {
      const record = signOffRecord(state, signOff);
      applySignOff(state, signOff, Date.now());
      changed();
      return audited(record, state);
    },
    {
      validator: (signOff: SignOff) => {
        const pending = waitsOf(state, Date.now()).some((w) => w.kind !== 'sign-off');
        const refused = checkSignOff(state, signOff, input.gateRoles, pending, policy);
        if (refused) throw refusal(refused.code, refused.message);
      },
    },
  );
  setHandler(checkResultSignal, ({ itemId, healthy }) => {
    observeSustained(state, itemId, healthy, Date.now());
    changed();
  });
  setHandler(holdSignal, ({ hold }) => {
    held = hold;
    changed();
  });
  const evaluation = {
    cadenceMs: metrics.cadenceMs,
    missingData: metrics.missingData,
    // A simulated value holds until it changes; it is read only at changes and window ends, so an
    // aggregate weights each reading by how long it held.
    ...(simulated ? { maxGapMs: Infinity, timeWeighted: true } : {}),
  };
  // A query adds nothing to history: older runs answer it too once their worker has this code.
  setHandler(guardrailReadingsQuery, () => guardrailReadings(watch, guardrails, Date.now(), evaluation));
  const observe = (readings: Sample[]) => {
    const found = observeReadings(watch, guardrails, readings, Date.now(), evaluation);
    if (found.length) {
      breaches.push(...found);
      changed();
    }
  };
  setHandler(metricReadingSignal, ({ metric, value, at }) =>
    observe([{ metric, value, at: at ?? Date.now() }]),
  );
  let nextPoll = metrics.source === 'prometheus' && guardrails.length ? Date.now() : undefined;

  /** Sends a check-in reminder or a deadline escalation that has come due, recording it first. */
  const fire = async (timer: ItemTimer, now: number): Promise<void> => {
    recordTimer(state, timer, now);
    const item = state.items.find((i) => i.id === timer.itemId);
    const where = `${state.name} (${input.plan}, rollout ${input.rolloutId})`;
    const audience = item?.roles.length ? { audience: item.roles.join(', ') } : {};
    const key = `${workflowInfo().workflowId}/${timer.itemId}`;
    const sent =
      timer.kind === 'check-in'
        ? reminders.notify({
            rolloutId: input.rolloutId,
            channel: CHECK_IN_CHANNEL,
            ...audience,
            message: `Check-in #${timer.occurrence}: "${timer.title}" — ${where}`,
            idempotencyKey: `${key}/check-in-${timer.occurrence}`,
          })
        : escalations.notify({
            rolloutId: input.rolloutId,
            channel: ESCALATION_CHANNEL,
            ...audience,
            message: `Overdue: "${timer.title}" in ${where} is not ${item?.kind === 'approval' ? 'approved' : 'done'} ${humanDuration(timer.at - state.enteredAt)} after the phase began`,
            idempotencyKey: `${key}/deadline`,
          });
    if (timer.kind === 'deadline')
      log.warn('Checklist item overdue', { phase: state.id, item: timer.itemId });
    await sent.catch((err: unknown) => {
      if (isCancellation(err)) throw err;
      log.warn('Reminder not delivered', { phase: state.id, item: timer.itemId, kind: timer.kind, err });
    });
  };

  const parent = workflowInfo().parent;
  // Still the first workflow task (nothing above awaits): tell the rollout this workflow runs and answers, so it
  // names the phase current only now. Patched: older runs did not, and their rollouts did not wait for it.
  if (parent && patched('phase-entered-signal')) {
    getExternalWorkflowHandle(parent.workflowId)
      .signal(phaseEnteredSignal, { phaseId: state.id })
      .catch((err: unknown) => {
        if (!isCancellation(err)) log.warn('phaseEntered not delivered', { phase: state.id, err });
      });
  }
  let waitingForSignOff = input.carried?.waitingForSignOff ?? false;
  for (;;) {
    // Taken before anything below awaits: a change made meanwhile must wake the wait at the end.
    const seen = changes;
    if (nextPoll !== undefined && Date.now() >= nextPoll) {
      const at = Date.now();
      const readings = await Promise.all(
        watchedMetrics(guardrails).map(async (metric) => ({
          metric,
          // A source that cannot answer is missing data, which the guardrail's missing-data rule decides.
          value: await queryMetric({ query: metric, at: new Date(at).toISOString() }).then(
            (r) => r.value,
            () => null,
          ),
          at,
        })),
      );
      observe(readings);
      nextPoll = at + metrics.cadenceMs;
    }
    if (simulated && nextReading !== undefined && Date.now() >= nextReading) {
      const reading = readSimulated(simulated, watchedMetrics(guardrails), Date.now(), {
        windowEnds,
        windows: windowsOf(guardrails),
        lastAt: lastSimulatedReading,
      });
      lastSimulatedReading = Date.now();
      observe(reading.readings);
      windowEnds = reading.windowEnds;
      nextReading = reading.next ?? undefined;
    }
    // Breaches go to the rollout, which carries out the guardrail's action (it may cancel this phase).
    for (const { guardrail, evaluation } of breaches.splice(0)) {
      log.warn('Guardrail breached', { phase: state.id, guardrail: guardrail.id, reason: evaluation.reason });
      if (parent) {
        await getExternalWorkflowHandle(parent.workflowId).signal(guardrailBreachSignal, {
          phaseId: state.id,
          guardrailId: guardrail.id,
          action: guardrail.action,
          reason: evaluation.reason,
          value: evaluation.value,
          readings: evaluation.readings,
        });
      }
    }
    if (
      workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)
    ) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof phaseWorkflow>({
        ...input,
        carried: { state, watch, held, waitingForSignOff, windowEnds, lastSimulatedReading },
      });
    }
    const now = Date.now();
    // Check-ins and deadlines that have come due, before anything else (a check-in due the moment the phase
    // may be left is still sent). Then the state is read afresh. A plan without `every` or `deadline` has none.
    const firing = dueTimers(state, now);
    if (firing.length) {
      for (const timer of firing) await fire(timer, now);
      // Sending takes time, and more may come due meanwhile: a phase with nothing left to wait for is left
      // now, or a slow channel (or a rehearsal's fast clock) could keep it sending forever.
      const mayLeave = !held && waitsOf(state, Date.now()).length === 0;
      if (!(mayLeave && patched('leave-after-check-ins'))) continue;
    }
    tickSustained(state, now);
    const waits = waitsOf(state, now);
    const overdue = overdueItems(state).map((i) => i.id);
    showDetails(
      input,
      (waits.map((w) => w.kind).join(', ') || (held ? 'held' : 'ready')) +
        (overdue.length ? `; overdue: ${overdue.join(', ')}` : ''),
    );
    // Tell the rollout when the phase starts (or stops) waiting on its sign-off alone.
    if (parent && onlySignOffLeft(waits) !== waitingForSignOff) {
      waitingForSignOff = !waitingForSignOff;
      await getExternalWorkflowHandle(parent.workflowId).signal(phaseProgressSignal, {
        phaseId: state.id,
        waitingForSignOff,
      });
    }
    if (!waits.length && !held) break;
    const due = nextTimeChange(state, now);
    const itemTimer = nextItemTimer(state, now);
    const next = Math.min(
      due ?? Infinity,
      nextPoll ?? Infinity,
      nextReading ?? Infinity,
      itemTimer?.at ?? Infinity,
    );
    if (!Number.isFinite(next)) await condition(() => changes !== seen);
    else {
      const summary =
        next === due
          ? timerSummary(input, waits, next - now)
          : itemTimer && next === itemTimer.at
            ? itemTimerSummary(itemTimer, next - now)
            : `Guardrails: next ${simulated ? 'simulated ' : ''}reading in ${state.name}`;
      await condition(() => changes !== seen, Math.max(1, next - now), { summary });
    }
  }
  // The sign-off that let the phase go may still be writing its audit entry: answer it before leaving.
  // (With nothing unfinished this adds no command, so older histories replay as before.)
  await condition(allHandlersFinished);
  log.info('Phase may be left', { phase: state.id, signedBy: state.gate.signedBy });
  return state;
}

/** Scales soak and sustain durations for rehearsals (timeScale < 1); the plan itself is untouched. */
function scaled(state: PhaseState, timeScale: number): PhaseState {
  if (timeScale === 1) return state;
  if (state.minUntil !== undefined)
    state.minUntil = state.enteredAt + (state.minUntil - state.enteredAt) * timeScale;
  for (const item of state.items) if (item.sustainMs !== undefined) item.sustainMs *= timeScale;
  scaleItemTimers(state, timeScale);
  return state;
}

function showDetails(input: PhaseInput, waiting: string): void {
  setCurrentDetails(
    `**${input.phase.name}** (${input.plan}, rollout ${input.rolloutId}) — waiting for: ${waiting}`,
  );
}

function timerSummary(input: PhaseInput, waits: ReturnType<typeof waitsOf>, ms: number): string {
  const what = waits.some((w) => w.kind === 'soak') ? 'Soak' : 'Sustained condition';
  return `${what}: ${input.phase.name}, ${humanDuration(ms)}`;
}

/** "Check-in #3: Daily check-ins, in 1 day", "Deadline: Quiet hour overrides approved…, in 4 hours". */
function itemTimerSummary(timer: ItemTimer, ms: number): string {
  const title = timer.title.length > 60 ? `${timer.title.slice(0, 59)}…` : timer.title;
  const what = timer.kind === 'check-in' ? `Check-in #${timer.occurrence}` : 'Deadline';
  return `${what}: ${title}, in ${humanDuration(ms)}`;
}
