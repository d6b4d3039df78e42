import { finished, type ItemState, type PhaseState } from './phase';

// Timers a checklist item brings into its phase: recurring check-ins (`every`) and a deadline (`deadline`).
// Neither holds the phase; they remind and escalate. The phase workflow fires what `dueTimers` returns and
// wakes for the first of `itemTimers`; a phase whose items have neither gets nothing from here.

export type ItemTimer =
  /** Reminder number `occurrence` of a recurring check-in, due `occurrence` periods after phase entry. */
  | { kind: 'check-in'; itemId: string; title: string; at: number; occurrence: number }
  /** The item's deadline: escalated once if the item is not finished by then. */
  | { kind: 'deadline'; itemId: string; title: string; at: number };

/** The check-in an item's next reminder will be: its number counts periods since phase entry. */
const occurrenceAt = (phase: PhaseState, item: ItemState, at: number): number =>
  Math.round((at - phase.enteredAt) / (item.everyMs ?? 1));

/**
 * Every item timer still to fire, soonest first: each recurring item's next check-in (none once the item is
 * skipped) and each deadline not yet passed of an item not yet finished.
 */
export function itemTimers(phase: PhaseState): ItemTimer[] {
  const timers: ItemTimer[] = [];
  for (const item of phase.items) {
    const { id: itemId, title } = item;
    if (item.everyMs && item.nextCheckInAt !== undefined && item.status !== 'SKIPPED') {
      const at = item.nextCheckInAt;
      timers.push({ kind: 'check-in', itemId, title, at, occurrence: occurrenceAt(phase, item, at) });
    }
    if (item.deadlineAt !== undefined && item.overdueAt === undefined && !finished(item))
      timers.push({ kind: 'deadline', itemId, title, at: item.deadlineAt });
  }
  return timers.sort((a, b) => a.at - b.at);
}

/**
 * What has come due by `now`, to fire now. A check-in that woke late (a worker was down for days) is one
 * reminder, numbered for the latest period that has passed, not a burst of stale ones.
 */
export function dueTimers(phase: PhaseState, now: number): ItemTimer[] {
  return itemTimers(phase)
    .filter((t) => t.at <= now)
    .map((t) => {
      if (t.kind !== 'check-in') return t;
      const item = phase.items.find((i) => i.id === t.itemId);
      const latest = item?.everyMs ? Math.floor((now - phase.enteredAt) / item.everyMs) : t.occurrence;
      return { ...t, occurrence: Math.max(t.occurrence, latest) };
    });
}

/** The first item timer still to fire after `now`, for the phase's wait; undefined when there is none. */
export function nextItemTimer(phase: PhaseState, now: number): ItemTimer | undefined {
  return itemTimers(phase).find((t) => t.at > now);
}

/** Records a fired timer: a check-in counts and moves on a period; a deadline marks the item overdue. */
export function recordTimer(phase: PhaseState, timer: ItemTimer, now: number): void {
  const item = phase.items.find((i) => i.id === timer.itemId);
  if (!item) return;
  if (timer.kind === 'deadline') {
    item.overdueAt ??= now;
    return;
  }
  item.checkIns = (item.checkIns ?? 0) + 1;
  item.nextCheckInAt = phase.enteredAt + (timer.occurrence + 1) * (item.everyMs ?? 0);
}

/** Shortens check-in periods and deadlines for a rehearsal (timeScale < 1), as the soak is shortened. */
/**
 * A rehearsal shrinks soaks to milliseconds; a reminder every few milliseconds would only flood the
 * channel and keep the phase busy sending. Scaled check-ins and deadlines are never shorter than a minute.
 */
export const MIN_SCALED_TIMER_MS = 60_000;

export function scaleItemTimers(phase: PhaseState, timeScale: number): void {
  for (const item of phase.items) {
    if (item.everyMs !== undefined) {
      item.everyMs = Math.max(MIN_SCALED_TIMER_MS, Math.round(item.everyMs * timeScale));
      item.nextCheckInAt = phase.enteredAt + item.everyMs;
    }
    if (item.deadlineAt !== undefined)
      item.deadlineAt =
        phase.enteredAt +
        Math.max(MIN_SCALED_TIMER_MS, Math.round((item.deadlineAt - phase.enteredAt) * timeScale));
  }
}

/** Items found overdue, for the phase's details in the Web UI. */
export const overdueItems = (phase: PhaseState): ItemState[] =>
  phase.items.filter((i) => i.overdueAt !== undefined && !finished(i));

/**
 * Scales a phase just entered for a rehearsal (timeScale < 1): its soak, its sustain durations, its check-ins
 * and deadlines (see scaleItemTimers). The plan itself is untouched; timeScale 1 changes nothing.
 */
export function scalePhase(state: PhaseState, timeScale: number): PhaseState {
  if (timeScale === 1) return state;
  if (state.minUntil !== undefined)
    state.minUntil = state.enteredAt + (state.minUntil - state.enteredAt) * timeScale;
  for (const item of state.items) if (item.sustainMs !== undefined) item.sustainMs *= timeScale;
  scaleItemTimers(state, timeScale);
  return state;
}
