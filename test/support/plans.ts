import type { RolloutInput } from '../../workflows/messages';

/** A small two-phase rollout used across suites. */
export function twoPhaseRollout(rolloutId: string): RolloutInput {
  return {
    rolloutId,
    startedBy: 'alice',
    plan: {
      name: 'walking-skeleton',
      title: 'Walking skeleton',
      phases: [
        {
          id: 'staging',
          name: 'Staging',
          checklist: [
            { id: 'smoke-tests', title: 'Smoke tests pass' },
            { id: 'runbook-reviewed', title: 'Runbook reviewed by Ops' },
          ],
        },
        {
          id: 'production',
          name: 'Production',
          checklist: [{ id: 'go-no-go', title: 'Go/No-Go sign-off recorded' }],
        },
      ],
    },
  };
}
