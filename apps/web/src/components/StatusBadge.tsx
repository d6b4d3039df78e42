import { Badge } from '@mantine/core';
import type { RolloutStatus } from '../gql/graphql';
import { tone } from '../theme';

const COLOURS: Record<RolloutStatus, string> = {
  PENDING: tone.neutral,
  RUNNING: tone.info,
  WAITING_FOR_SIGN_OFF: tone.attention,
  PAUSED: tone.paused,
  IN_REVIEW: tone.review,
  ROLLING_BACK: tone.rollback,
  ROLLBACK_FAILED: tone.danger,
  ROLLED_BACK: tone.undone,
  ABORTED: tone.ended,
  COMPLETED: tone.ok,
  TERMINATED: tone.ended,
};

export const statusLabel = (status: string): string => status.toLowerCase().replace(/_/g, ' ');

export const ENDED: readonly string[] = ['COMPLETED', 'ROLLED_BACK', 'ABORTED', 'TERMINATED'];

/** `testId` marks the badge a browser test reads the console's status from. */
export function StatusBadge({ status, testId }: { status: RolloutStatus; testId?: string }) {
  return (
    <Badge
      color={COLOURS[status] ?? tone.neutral}
      autoContrast
      variant="filled"
      radius="sm"
      data-testid={testId}
    >
      {statusLabel(status)}
    </Badge>
  );
}
