// What the list row says of a rollout beyond its projection's own columns, from those columns alone (the list
// never asks a workflow): what it waits for, and where its current phase stands among the plan's phases.

/** What a rollout in this status waits for, in a word or two; undefined once it has closed. */
const WAITS_FOR: Record<string, string> = {
  PENDING: 'first phase',
  RUNNING: 'phase work',
  WAITING_FOR_SIGN_OFF: 'sign-off',
  PAUSED: 'resume',
  ROLLING_BACK: 'rollback',
  ROLLBACK_FAILED: 'rollback step',
  IN_REVIEW: 'reviews',
};

export const waitingForOf = (status: string): string | undefined => WAITS_FOR[status];

/** The current phase's place: its 1-based index among the plan's phases, and how many there are. */
export function phasePlace(
  phaseIdsJson: string | null,
  currentPhase: string | null,
): { phaseIndex?: number; phaseCount?: number } {
  let ids: unknown;
  try {
    ids = phaseIdsJson ? JSON.parse(phaseIdsJson) : undefined;
  } catch {
    return {};
  }
  if (!Array.isArray(ids)) return {};
  const index = currentPhase ? ids.indexOf(currentPhase) : -1;
  return { phaseCount: ids.length, phaseIndex: index >= 0 ? index + 1 : undefined };
}
