import { Badge } from '@mantine/core';
import type { RolloutStatus } from '../gql/graphql';

const COLOURS: Record<RolloutStatus, string> = {
  PENDING: 'gray.7',
  RUNNING: 'blue.8',
  WAITING_FOR_SIGN_OFF: 'yellow.4',
  PAUSED: 'orange.3',
  IN_REVIEW: 'cyan.8',
  ROLLING_BACK: 'orange.8',
  ROLLBACK_FAILED: 'red.9',
  ROLLED_BACK: 'grape.8',
  ABORTED: 'dark.5',
  COMPLETED: 'green.9',
  TERMINATED: 'dark.7',
};

export const statusLabel = (status: string): string => status.toLowerCase().replace(/_/g, ' ');

export const ENDED: readonly string[] = ['COMPLETED', 'ROLLED_BACK', 'ABORTED', 'TERMINATED'];

export function StatusBadge({ status }: { status: RolloutStatus }) {
  return (
    <Badge color={COLOURS[status] ?? 'gray.7'} autoContrast variant="filled" radius="sm">
      {statusLabel(status)}
    </Badge>
  );
}
