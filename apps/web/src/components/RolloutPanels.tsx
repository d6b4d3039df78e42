import { lazy, Suspense } from 'react';
import { Badge, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReviewStatus } from '../gql/graphql';
import { tone } from '../theme';
import type { ReadingPoint } from './ReadingsChart';

// The chart library loads after the page's first render (it is not needed to read the rollout).
const ReadingsChart = lazy(() => import('./ReadingsChart').then((m) => ({ default: m.ReadingsChart })));
import { when } from './time';

export interface GuardrailView {
  id: string;
  title?: string | null;
  metric: string;
  condition: string;
  outcome: string;
  value?: number | null;
  reason: string;
  breached: boolean;
  latestValue?: number | null;
  latestAt?: string | null;
  readings: number;
  threshold?: number | null;
  unit?: string | null;
  recent?: readonly ReadingPoint[];
}

/** ok / breach / inconclusive / no data (however the API spells it) as a tone and a label. */
export function outcomeLook(outcome: string): { label: string; colour: string } {
  const o = outcome.toLowerCase().replace(/[_-]/g, ' ');
  if (o === 'ok') return { label: 'ok', colour: tone.ok };
  if (o === 'breach' || o === 'breached') return { label: 'breach', colour: tone.danger };
  if (o === 'no data') return { label: 'no data', colour: tone.paused };
  if (o === 'inconclusive') return { label: 'inconclusive', colour: tone.attention };
  return { label: o, colour: tone.neutral };
}

/** A tile per guardrail of the current phase: its condition, latest reading and outcome. */
export function GuardrailTiles({ guardrails }: { guardrails: readonly GuardrailView[] }) {
  return (
    <section aria-label="Guardrails">
      <Title order={2} size="h4" mb="xs">
        Guardrails
      </Title>
      {guardrails.length === 0 ? (
        <Text size="sm" c="dimmed">
          No guardrail watches the current phase.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {guardrails.map((g) => {
            const look = outcomeLook(g.outcome);
            return (
              <Card withBorder key={g.id} component="article" aria-label={`Guardrail ${g.title ?? g.metric}`}>
                <Group justify="space-between" gap="xs">
                  <Text fw={700}>{g.title ?? g.metric}</Text>
                  <Badge color={look.colour} autoContrast radius="sm">
                    {look.label}
                  </Badge>
                </Group>
                <Code>{g.condition}</Code>
                <Text size="sm" mt={4}>
                  Latest reading:{' '}
                  {g.latestValue === null || g.latestValue === undefined
                    ? 'no data'
                    : `${g.latestValue} (${when(g.latestAt)})`}
                </Text>
                {g.value !== null && g.value !== undefined && g.value !== g.latestValue && (
                  <Text size="sm">Compared: {g.value}</Text>
                )}
                {(g.recent?.length ?? 0) > 0 && (
                  <Suspense fallback={null}>
                    <ReadingsChart
                      recent={g.recent ?? []}
                      threshold={g.threshold}
                      unit={g.unit}
                      label={`Readings of ${g.metric}`}
                    />
                  </Suspense>
                )}
                <Text size="xs" c="dimmed">
                  {g.readings} reading{g.readings === 1 ? '' : 's'} in its window · {g.reason}
                </Text>
                {g.breached && (
                  <Text size="xs" c="red.9">
                    Breached in this phase.
                  </Text>
                )}
              </Card>
            );
          })}
        </SimpleGrid>
      )}
    </section>
  );
}

/** The flag values this rollout last wrote. */
export function FlagValues({ flags }: { flags: readonly { key: string; valueJson: string }[] }) {
  return (
    <Card withBorder component="section" aria-label="Flag values">
      <Title order={3} size="h5">
        Flag values
      </Title>
      {flags.length === 0 ? (
        <Text size="sm" c="dimmed">
          This rollout has set no flag yet.
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={2}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {flags.map((f) => (
              <Table.Tr key={f.key}>
                <Table.Td>{f.key}</Table.Td>
                <Table.Td>
                  <Code>{f.valueJson}</Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export interface ReviewView {
  id: string;
  title: string;
  status: ReviewStatus;
  dueAt?: string | null;
  completedAt?: string | null;
  completedBy?: string | null;
  cancelledAt?: string | null;
  note?: string | null;
}

const REVIEW_COLOUR: Record<ReviewStatus, string> = {
  OPEN: tone.neutral,
  DUE: tone.attention,
  DONE: tone.ok,
  CANCELLED: tone.ended,
};

/** Post-launch reviews: when each is due, who did it, or that it was cancelled (the rollout did not launch). */
export function Reviews({ reviews }: { reviews: readonly ReviewView[] }) {
  return (
    <Card withBorder component="section" aria-label="Reviews">
      <Title order={3} size="h5">
        Reviews
      </Title>
      {reviews.length === 0 ? (
        <Text size="sm" c="dimmed">
          No post-launch review planned.
        </Text>
      ) : (
        <Stack gap={4}>
          {reviews.map((r) => (
            <Group key={r.id} gap="xs">
              <Badge color={REVIEW_COLOUR[r.status]} autoContrast radius="sm">
                {r.status.toLowerCase()}
              </Badge>
              <Text size="sm">
                {r.title}
                {r.status === 'DONE'
                  ? ` — done by ${r.completedBy ?? '?'} ${when(r.completedAt)}${r.note ? `: ${r.note}` : ''}`
                  : r.status === 'CANCELLED'
                    ? ` — cancelled ${when(r.cancelledAt)}`
                    : ` — due ${when(r.dueAt)}`}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

export interface MessageView {
  id: string;
  channel: string;
  audience?: string | null;
  message: string;
  status: string;
  lastError?: string | null;
  createdAt: string;
  sentAt?: string | null;
}

const MESSAGE_COLOUR: Record<string, string> = {
  sent: tone.ok,
  recorded: tone.paused,
  pending: tone.neutral,
  failed: tone.danger,
};

/** The messages the rollout sent (or only recorded: no webhook for their channel), oldest first. */
export function Messages({ messages }: { messages: readonly MessageView[] }) {
  return (
    <Card withBorder component="section" aria-label="Messages">
      <Title order={3} size="h5">
        Messages
      </Title>
      {messages.length === 0 ? (
        <Text size="sm" c="dimmed">
          This rollout has sent no message.
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={2}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Message</Table.Th>
              <Table.Th>Delivery</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {messages.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{when(m.createdAt)}</Table.Td>
                <Table.Td>
                  {m.channel}
                  {m.audience ? ` → ${m.audience}` : ''}
                </Table.Td>
                <Table.Td>{m.message}</Table.Td>
                <Table.Td>
                  <Badge color={MESSAGE_COLOUR[m.status] ?? tone.neutral} autoContrast radius="sm">
                    {m.status === 'recorded' ? 'recorded (no webhook)' : m.status}
                  </Badge>
                  {m.lastError && (
                    <Text size="xs" c="red.9">
                      {m.lastError}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
