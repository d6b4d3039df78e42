import { graphQLError } from '../common/graphql-errors';

/**
 * Ids for NEW rollouts. Workflow IDs are `rollout-<id>` and `rollout-<id>-phase-<phaseId>`; an id with
 * "phase" as one of its dash-separated words could name another rollout's phase workflow
 * ("coll-phase-staging" is rollout "coll"'s phase "staging"). Without that word, the first "-phase-" of a
 * phase workflow's ID is its separator, so no two rollouts' workflows can share an ID.
 * Existing rollouts keep whatever id they were started with (reads and actions accept any ID_PATTERN id).
 */
export const NEW_ROLLOUT_ID_PATTERN = /^(?!(?:[a-z0-9-]*-)?phase(?:-|$))[a-z0-9][a-z0-9-]{0,62}$/;

export const NEW_ROLLOUT_ID_RULE =
  'lowercase letters, digits and dashes (at most 63, starting with a letter or digit), without "phase" as a dash-separated word';

/** Why `id` cannot name a new rollout, or undefined when it can. */
export function newRolloutIdProblem(id: string): string | undefined {
  return NEW_ROLLOUT_ID_PATTERN.test(id)
    ? undefined
    : `A rollout id must be ${NEW_ROLLOUT_ID_RULE} (pattern ${NEW_ROLLOUT_ID_PATTERN.source})`;
}

/** Throws BAD_USER_INPUT naming the rule when `id` cannot name a new rollout. */
export function assertNewRolloutId(id: string): void {
  const problem = newRolloutIdProblem(id);
  if (problem) throw graphQLError('BAD_USER_INPUT', problem, { field: 'id' });
}
