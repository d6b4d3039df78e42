import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { PhaseStatus } from '../gql/graphql';
import { humanDuration, when } from './time';
import { tone } from '../theme';

export interface TimelinePhase {
  id: string;
  name: string;
  status: PhaseStatus;
  enteredAt?: string | null;
  completedAt?: string | null;
  soakUntil?: string | null;
  /** Sustained conditions of the phase ("green for 24 h"): their clocks, when running. */
  checklist?: readonly {
    title: string;
    kind?: string | null;
    status?: string | null;
    sustainedDueAt?: string | null;
  }[];
}

export interface TimelineStep extends TimelinePhase {
  position: number;
  current: boolean;
  /** What the line under the phase says: time in phase, soak left, or when it completed. */
  detail: string;
}

/** The phases in order, the current one marked, each with a line saying where it stands at `now`. */
export function timelineSteps(
  phases: readonly TimelinePhase[],
  currentPhase: string | null | undefined,
  now: number,
): TimelineStep[] {
  return phases.map((phase, i) => {
    const current = phase.id === currentPhase && (phase.status === 'RUNNING' || phase.status === 'ENTERING');
    let detail: string;
    if (phase.status === 'COMPLETED') detail = `completed ${when(phase.completedAt)}`;
    else if (phase.status === 'CANCELLED') detail = 'cancelled';
    else if (phase.status === 'PENDING') detail = 'not started';
    else if (phase.status === 'ENTERING') detail = 'entering: flags and messages being applied';
    else {
      const entered = phase.enteredAt ? Date.parse(phase.enteredAt) : undefined;
      const soakEnd = phase.soakUntil ? Date.parse(phase.soakUntil) : undefined;
      // The soak is the phase's minimum time: time in phase is read against it.
      const minimum = entered !== undefined && soakEnd !== undefined ? soakEnd - entered : undefined;
      const inPhase =
        entered !== undefined
          ? `in phase for ${humanDuration(now - entered)}${minimum !== undefined ? ` of at least ${humanDuration(minimum)}` : ''}`
          : undefined;
      const soak = soakEnd !== undefined ? soakEnd - now : undefined;
      const sustained = (phase.checklist ?? [])
        .filter((i) => i.sustainedDueAt && (i.status ?? 'OPEN') === 'OPEN')
        .map((i) => {
          const left = Date.parse(i.sustainedDueAt!) - now;
          return left > 0
            ? `${i.title}: held for ${humanDuration(left)} more`
            : `${i.title}: held long enough`;
        });
      detail = [
        inPhase,
        soak !== undefined && (soak > 0 ? `soak: ${humanDuration(soak)} left` : 'soak done'),
        ...sustained,
      ]
        .filter(Boolean)
        .join(' · ');
      if (!detail) detail = 'running';
    }
    return { ...phase, position: i + 1, current, detail };
  });
}

const STATUS_COLOUR: Record<PhaseStatus, string> = {
  PENDING: tone.neutral,
  ENTERING: tone.entering,
  RUNNING: tone.info,
  COMPLETED: tone.ok,
  CANCELLED: tone.ended,
};

export function PhaseTimeline({
  phases,
  currentPhase,
  now = Date.now(),
}: {
  phases: readonly TimelinePhase[];
  currentPhase: string | null | undefined;
  now?: number;
}) {
  const steps = timelineSteps(phases, currentPhase, now);
  return (
    <nav aria-label="Phases">
      <Title order={2} size="h4" mb="xs">
        Phases
      </Title>
      <Group component="ol" gap="sm" align="stretch" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {steps.map((step) => (
          <Paper
            component="li"
            key={step.id}
            withBorder
            p="sm"
            radius="md"
            aria-current={step.current ? 'step' : undefined}
            data-current={step.current || undefined}
            style={{
              flex: '1 1 12rem',
              borderWidth: step.current ? 3 : 1,
              borderColor: step.current ? 'var(--mantine-color-blue-8)' : undefined,
            }}
          >
            <Stack gap={4}>
              <Group justify="space-between" gap="xs">
                <Text fw={700}>
                  {step.position}. {step.name}
                </Text>
                <Badge color={STATUS_COLOUR[step.status]} autoContrast radius="sm">
                  {step.current ? 'current' : step.status.toLowerCase()}
                </Badge>
              </Group>
              <Text size="sm" c="dark.6">
                {step.detail}
              </Text>
            </Stack>
          </Paper>
        ))}
      </Group>
    </nav>
  );
}
