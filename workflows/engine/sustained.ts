/**
 * The clock of a sustained condition ("EF availability green for 24h"). Plain data, so the workflow keeps
 * one per sustained checklist item and carries it across continue-as-new.
 */

export interface SustainedState {
  /** When the current healthy stretch began; null while unhealthy or before the first healthy reading. */
  since: number | null;
  /** The last reading with data, healthy or not. */
  lastAt: number | null;
  /** When the condition was confirmed to have held for its whole duration; latched once set. */
  satisfiedAt: number | null;
}

export interface ObserveOptions {
  /**
   * Longest stretch without data that does not break the healthy stretch. Absent = no limit, for sources
   * that hold their value until it changes (the simulator) and are only observed when it does.
   */
  maxGapMs?: number;
}

export const initialSustained = (): SustainedState => ({ since: null, lastAt: null, satisfiedAt: null });

/**
 * The state after a reading at `at`. `healthy: null` = no data: it proves nothing, and once the silence
 * outlasts `maxGapMs` the clock starts again. A failure restarts the clock; a reading older than the last
 * one is ignored (the clock only runs forward). Satisfaction needs a healthy reading at or after the due
 * time, so the workflow sets a timer at `dueAt` and observes then.
 */
export function observe(
  state: SustainedState,
  healthy: boolean | null,
  at: number,
  sustainMs: number,
  options: ObserveOptions = {},
): SustainedState {
  if (state.satisfiedAt !== null) return state;
  if (state.lastAt !== null && at < state.lastAt) return state;
  const since = silentTooLong(state, at, options.maxGapMs) ? null : state.since;
  if (healthy === null) return { ...state, since };
  if (!healthy) return { since: null, lastAt: at, satisfiedAt: null };
  const start = since ?? at;
  return { since: start, lastAt: at, satisfiedAt: at - start >= sustainMs ? at : null };
}

function silentTooLong(state: SustainedState, at: number, maxGapMs: number | undefined): boolean {
  return maxGapMs !== undefined && state.lastAt !== null && at - state.lastAt > maxGapMs;
}

/** When the condition will be satisfied if nothing fails: the time for a workflow timer, or null. */
export function dueAt(state: SustainedState, sustainMs: number): number | null {
  if (state.satisfiedAt !== null) return state.satisfiedAt;
  return state.since === null ? null : state.since + sustainMs;
}

export const isSatisfied = (state: SustainedState): boolean => state.satisfiedAt !== null;

/** Whether going from `before` to `after` threw away a healthy stretch (for the timeline and audit). */
export function restarted(before: SustainedState, after: SustainedState): boolean {
  return before.since !== null && after.since !== before.since && after.satisfiedAt === null;
}
