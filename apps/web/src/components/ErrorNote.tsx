import { Alert, Button, Group, Text } from '@mantine/core';
import type { ActionError } from '../errors';

/** A refusal or failure, as a sentence next to the action that caused it; UNAVAILABLE and network errors offer a retry. */
export function ErrorNote({ error, onRetry }: { error: ActionError | undefined; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" p="xs" mt={4}>
      <Group gap="sm" wrap="nowrap" justify="space-between">
        <Text size="sm" c="red.9">
          {error.sentence}
        </Text>
        {error.retryable && onRetry && (
          <Button size="compact-sm" variant="white" color="red.9" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
