import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type ActionPolicy,
  applyItemAction,
  applySignOff,
  checkItemAction,
  checkSignOff,
  DEFAULT_POLICY,
  gateSigners,
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
  guardrailReadingsQuery,
  phaseStateQuery,
  signOffUpdate,
  watcherReportSignal,
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
import { itemTimerSummary, phaseDetails, waitTimerSummary } from './engine/phase-waits';
import { dueTimers, nextItemTimer, overdueItems, scalePhase } from './engine/item-timers';
import type { Sample } from './engine/samples';
import { emptyWatch, guardrailReadings, observeReadings, windowsOf, type Breach } from './engine/watch';
import { resumeReadingsFrom } from './engine/watcher-step';
import { audited, ProgressReports } from './phase-answers';
import { askApprovers, fireItemTimer } from './phase-notices';
import { PhaseReadings } from './phase-readings';
import { PhaseNoData, startWatcher } from './phase-watcher';
import { refusal } from './refusals';

export { CHECK_IN_CHANNEL, ESCALATION_CHANNEL } from './phase-notices';

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
  const state = input.carried?.state ?? scalePhase(enterPhase(input.phase, Date.now()), input.timeScale);
  const watch = input.carried?.watch ?? emptyWatch();
  const guardrails = input.guardrails ?? [];
  const metrics = input.metrics ?? { source: 'pushed', cadenceMs: 60_000 };
  // Patched: older runs polled Prometheus with one activity per reading and tracked no no-data episodes.
  const watches = metrics.source === 'prometheus' && guardrails.length > 0 && patched('metric-watcher');
  const tracksNoData = guardrails.length > 0 && patched('no-data-episodes');
  const readings = new PhaseReadings(input, guardrails, metrics, state.enteredAt, !watches);
  const noData = new PhaseNoData(input, guardrails, input.carried?.noData);
  const breaches: Breach[] = [];
  let held = input.carried?.held ?? false;
  let changes = 0; // bumped by every handler, so the wait below wakes on any change
  const changed = () => changes++;

  // Users compared by their key (`Otto` is `otto`), as roles are. Patched: older runs compared them exactly.
  const policy: ActionPolicy = {
    ...(input.policy ?? DEFAULT_POLICY),
    foldUserNames: patched('fold-user-names'),
  };
  const signers = gateSigners(input.gateRoles, policy);
  const progress = new ProgressReports(
    state.id,
    input.recordsProgress === true,
    input.carried?.waitingForSignOff ?? false,
    input.carried?.reports,
  );
  /**
   * An accepted action answers once audited; one that changed whether only the sign-off is left answers
   * once the rollout has recorded that too (patched), so its status, the list and the search attributes agree.
   */
  const answer = (record: ReturnType<typeof signOffRecord>): PhaseState | Promise<PhaseState> => {
    const answered = () => audited(input.rolloutId, record, state);
    const waiting = onlySignOffLeft(waitsOf(state, Date.now()));
    return progress.answerAfterRecorded(waiting, answered) ?? answered();
  };
  setHandler(phaseStateQuery, () => state);
  setHandler(
    itemActionUpdate,
    (action) => {
      const record = itemActionRecord(state, action);
      applyItemAction(state, action, Date.now());
      if (action.type === 'complete') askApprovers(input, state, action.itemId, action.actor.id);
      changed();
      return answer(record);
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
      return answer(record);
    },
    {
      validator: (signOff: SignOff) => {
        const refused = checkSignOff(state, signOff, input.gateRoles, Date.now(), policy);
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
  // A query adds nothing to history: older runs answer it too once their worker has this code.
  setHandler(guardrailReadingsQuery, () =>
    guardrailReadings(watch, guardrails, Date.now(), readings.evaluation),
  );
  const observe = (samples: Sample[]) => {
    const found = observeReadings(watch, guardrails, samples, Date.now(), readings.evaluation);
    if (found.length) {
      breaches.push(...found);
      changed();
    }
    if (tracksNoData) noData.afterReadings(watch, Date.now(), readings.evaluation, metrics);
    if (noData.due) changed();
  };
  // A reading's unit arrives only from an API that attaches it (older signals have none: no patch needed).
  setHandler(metricReadingSignal, ({ metric, value, at, unit }) =>
    observe([{ metric, value, at: at ?? Date.now(), ...(typeof unit === 'string' ? { unit } : {}) }]),
  );
  // The watcher (source `prometheus`) reports only what matters: breaches and no-data episodes.
  setHandler(watcherReportSignal, (report) => {
    breaches.push(...noData.fromWatcher(report, watch));
    changed();
  });

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
  // One long-running activity reads Prometheus while the phase lives (retried from its heartbeat after a crash).
  // Patched: the watcher reads from the phase's entry (its first run only; a continued run reads from now):
  // the rollout's entry into the phase when the input has it (a recorded input: replays as it ran), else this
  // workflow's start.
  const fromEntry = watches && !input.carried && patched('watcher-from-entry');
  const firstReadingAt = input.phaseEnteredAt ?? state.enteredAt;
  // A continued run's watcher (patched: it started with empty windows) re-reads the longest window before the
  // previous run stopped its watcher, knowing the breaches reported and the episodes open.
  const stoppedAt = input.carried?.watcherStoppedAt;
  const resumes = watches && stoppedAt !== undefined && patched('watcher-carries-windows');
  const watcher = !watches
    ? undefined
    : resumes
      ? startWatcher(
          input,
          guardrails,
          metrics,
          resumeReadingsFrom(
            firstReadingAt,
            stoppedAt,
            metrics.cadenceMs,
            Math.max(0, ...windowsOf(guardrails)),
          ),
          { reported: [...watch.reported], episodes: noData.episodes, quietUntil: stoppedAt },
        )
      : startWatcher(input, guardrails, metrics, fromEntry ? firstReadingAt : undefined);
  for (;;) {
    // Taken before anything below awaits: a change made meanwhile must wake the wait at the end.
    const seen = changes;
    await readings.takeDue(observe);
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
    if (noData.due) await noData.act();
    if (
      workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)
    ) {
      await condition(allHandlersFinished);
      watcher?.stop();
      await continueAsNew<typeof phaseWorkflow>({
        ...input,
        carried: {
          state,
          watch,
          held,
          waitingForSignOff: progress.waitingForSignOff,
          reports: progress.counts,
          ...readings.carried,
          ...(tracksNoData || watches ? { noData: noData.episodes } : {}),
          ...(watches ? { watcherStoppedAt: Date.now() } : {}),
        },
      });
    }
    const now = Date.now();
    // Check-ins and deadlines that have come due, before anything else (a check-in due the moment the phase
    // may be left is still sent). Then the state is read afresh. A plan without `every` or `deadline` has none.
    const firing = dueTimers(state, now);
    if (firing.length) {
      for (const timer of firing) await fireItemTimer(input, state, timer, now);
      // Sending takes time, and more may come due meanwhile: a phase with nothing left to wait for is left
      // now, or a slow channel (or a rehearsal's fast clock) could keep it sending forever.
      const mayLeave = !held && waitsOf(state, Date.now()).length === 0;
      if (!(mayLeave && patched('leave-after-check-ins'))) continue;
    }
    tickSustained(state, now);
    const waits = waitsOf(state, now);
    const label = { name: input.phase.name, plan: input.plan, rolloutId: input.rolloutId };
    setCurrentDetails(phaseDetails(label, state, now, signers, { held, overdue: overdueItems(state) }));
    // Tell the rollout when the phase starts (or stops) waiting on its sign-off alone, unless an action that
    // made the change is telling it already. A change by time alone (the soak ends) is told from here.
    if (progress.differs(onlySignOffLeft(waits))) await progress.report(onlySignOffLeft(waits));
    if (!waits.length && !held) break;
    const due = nextTimeChange(state, now);
    const itemTimer = nextItemTimer(state, now);
    const next = Math.min(due ?? Infinity, readings.next ?? Infinity, itemTimer?.at ?? Infinity);
    if (!Number.isFinite(next)) await condition(() => changes !== seen);
    else {
      const summary =
        next === due
          ? waitTimerSummary(input.phase.name, state, now, next - now)
          : itemTimer && next === itemTimer.at
            ? itemTimerSummary(itemTimer, next - now)
            : readings.summary(state.name);
      await condition(() => changes !== seen, Math.max(1, next - now), { summary });
    }
  }
  // The sign-off that let the phase go may still be writing its audit entry (or waiting for the rollout to
  // record it): answer it before leaving. (With nothing unfinished this adds no command, so older histories
  // replay as before.)
  await condition(allHandlersFinished);
  watcher?.stop();
  log.info('Phase may be left', { phase: state.id, signedBy: state.gate.signedBy });
  return state;
}
