import { Table, Text, Title } from '@mantine/core';
import { when } from './time';

export interface LogEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
}

/** Who decided what, newest first (live from rolloutEvents). */
export function DecisionLog({ entries, live }: { entries: readonly LogEntry[]; live: boolean }) {
  const newestFirst = [...entries].sort((a, b) => b.seq - a.seq);
  return (
    <section aria-label="Decision log">
      <Title order={2} size="h4" mb="xs">
        Decision log{' '}
        <Text span size="sm" c="dark.6">
          {live ? '(live)' : ''}
        </Text>
      </Title>
      {newestFirst.length === 0 ? (
        <Text size="sm">No entries yet.</Text>
      ) : (
        <Table striped fz="sm" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>On</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {newestFirst.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td>{when(e.at)}</Table.Td>
                <Table.Td>{e.actor}</Table.Td>
                <Table.Td>{e.action}</Table.Td>
                <Table.Td>{e.target}</Table.Td>
                <Table.Td>{e.outcome}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}
