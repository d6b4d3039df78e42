import { Anchor, Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/time';
import { describeError } from '../errors';
import type { WaitingKind } from '../gql/graphql';
import { WaitingOnMeQuery } from '../graphql/operations';
import { tone } from '../theme';

const KIND: Record<WaitingKind, { label: string; colour: string }> = {
  ITEM: { label: 'item', colour: tone.neutral },
  APPROVAL: { label: 'approval', colour: tone.info },
  GATE: { label: 'gate', colour: tone.review },
  ROLLBACK_STEP: { label: 'rollback step', colour: tone.rollback },
};

/** What the signed-in user may act on now, across live rollouts (Query.waitingOnMe: the engine's rules). */
export function WaitingPage() {
  const [result, refetch] = useQuery({
    query: WaitingOnMeQuery,
    variables: { first: 20 },
    requestPolicy: 'cache-and-network',
  });
  const error = describeError(result.error);
  const waiting = result.data?.waitingOnMe;
  return (
    <Stack>
      <Title order={1} size="h2">
        Waiting on me
      </Title>
      <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      {!waiting && !error && (
        <Group>
          <Loader size="sm" aria-label="Loading what waits on you" />
          <Text>Loading…</Text>
        </Group>
      )}
      {waiting && (
        <>
          <Text size="sm" role="status">
            {waiting.totalCount === 0
              ? 'Nothing waits on you right now.'
              : `${waiting.totalCount} thing${waiting.totalCount === 1 ? '' : 's'} wait${waiting.totalCount === 1 ? 's' : ''} on you`}
            {waiting.truncated
              ? ` (the ${waiting.scanned} most recently changed live rollouts looked at)`
              : ''}
          </Text>
          {waiting.entries.length > 0 && (
            <Table fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Rollout</Table.Th>
                  <Table.Th>Phase</Table.Th>
                  <Table.Th>You may</Table.Th>
                  <Table.Th>Waiting since</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {waiting.entries.map((e) => (
                  <Table.Tr key={`${e.rolloutId}/${e.kind}/${e.itemId ?? e.stepId ?? e.phaseId ?? ''}`}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Badge color={KIND[e.kind].colour} autoContrast radius="sm">
                          {KIND[e.kind].label}
                        </Badge>
                        <Text size="sm">
                          {e.kind === 'GATE'
                            ? `Sign-off of ${e.phaseName ?? e.phaseId}`
                            : (e.itemTitle ?? e.stepTitle ?? e.itemId ?? e.stepId)}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} href={`/rollouts/${encodeURIComponent(e.rolloutId)}`}>
                        {e.rolloutTitle ?? e.rolloutId}
                      </Anchor>{' '}
                      <Text span size="xs" c="dimmed">
                        ({e.plan})
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.phaseName ?? e.phaseId ?? '—'}</Table.Td>
                    <Table.Td>{e.actions.map((a) => a.toLowerCase().replace('_', ' ')).join(', ')}</Table.Td>
                    <Table.Td>{when(e.since)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}
