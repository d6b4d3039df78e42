import {
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { ActionError } from '../errors';
import type { RollbackStepStatus } from '../gql/graphql';
import { ErrorNote } from './ErrorNote';
import { when } from './time';
import { tone } from '../theme';

export interface RollbackView {
  level?: string | null;
  reason: string;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string | null;
  steps: readonly {
    id: string;
    title: string;
    source: string;
    status: RollbackStepStatus;
    error?: string | null;
    resolvedBy?: string | null;
    note?: string | null;
    evidence?: string | null;
    /** From the API: what the caller may do to the step now (absent: anyone the engine lets). */
    allowedActions?: readonly string[];
  }[];
}

export interface StepActions {
  /** Runs the failed step again. */
  onRetry: (stepId: string) => Promise<ActionError | undefined>;
  /** Records that the step was done by hand. */
  onResolve: (stepId: string, note: string, evidence: string | undefined) => Promise<ActionError | undefined>;
  /** Confirms that a person did a manual step of the plan (the rollback waits for it). */
  onConfirm: (stepId: string) => Promise<ActionError | undefined>;
}

/** "Confirm done" on a manual step the rollback waits for (offered only when the API says the caller may). */
export function ConfirmStepAction({
  step,
  actions,
}: {
  step: { id: string; title: string };
  actions: StepActions;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ActionError>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setError(await actions.onConfirm(step.id));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={4} mt={4}>
      <Text size="xs">Waiting for a person to do this step and confirm it.</Text>
      <Group gap="xs">
        <Button
          size="compact-sm"
          variant="default"
          loading={busy}
          aria-label={`Confirm done: ${step.title}`}
          onClick={() => void confirm()}
        >
          Confirm done
        </Button>
      </Group>
      <ErrorNote error={error} />
    </Stack>
  );
}

/** Retry and Resolve on a FAILED step (only when the caller may act), each with its refusal beside it. */
export function FailedStepActions({
  step,
  actions,
}: {
  step: { id: string; title: string; allowedActions?: readonly string[] };
  actions: StepActions;
}) {
  const may = (a: string) => !step.allowedActions || step.allowedActions.includes(a);
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState<'retry' | 'resolve'>();
  const [error, setError] = useState<ActionError>();
  const run = async (what: 'retry' | 'resolve') => {
    setBusy(what);
    setError(undefined);
    try {
      const failed =
        what === 'retry'
          ? await actions.onRetry(step.id)
          : await actions.onResolve(step.id, note.trim(), evidence.trim() || undefined);
      setError(failed);
      if (!failed && what === 'resolve') setResolving(false);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Stack gap={4} mt={4}>
      <Group gap="xs">
        {may('RETRY') && (
          <Button
            size="compact-sm"
            variant="default"
            loading={busy === 'retry'}
            aria-label={`Retry step ${step.title}`}
            onClick={() => void run('retry')}
          >
            Retry
          </Button>
        )}
        {may('RESOLVE') && (
          <Button
            size="compact-sm"
            variant="default"
            aria-label={`Resolve step ${step.title} by hand`}
            aria-expanded={resolving}
            onClick={() => setResolving((r) => !r)}
          >
            Resolve…
          </Button>
        )}
      </Group>
      {resolving && (
        <Stack
          gap={4}
          component="form"
          aria-label={`Resolve ${step.title}`}
          onSubmit={(e) => {
            e.preventDefault();
            void run('resolve');
          }}
        >
          <Textarea
            label="What was done by hand"
            required
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <TextInput
            label="Evidence (a link or reference)"
            value={evidence}
            onChange={(e) => setEvidence(e.currentTarget.value)}
          />
          <Group>
            <Button type="submit" size="compact-sm" disabled={!note.trim()} loading={busy === 'resolve'}>
              Mark step resolved
            </Button>
          </Group>
        </Stack>
      )}
      <ErrorNote error={error} />
    </Stack>
  );
}

const STEP_COLOUR: Record<RollbackStepStatus, string> = {
  PENDING: tone.neutral,
  RUNNING: tone.info,
  DONE: tone.ok,
  FAILED: tone.danger,
  RESOLVED: tone.ok,
};

/** "Roll back" with a confirmation dialog (reason, level), then the rollback's steps as they progress. */
export function RollbackPanel({
  rollback,
  canTrigger,
  onTrigger,
  stepActions,
}: {
  rollback: RollbackView | null | undefined;
  canTrigger: boolean;
  /** Retry/Resolve for failed steps; omitted when the caller may not act on steps. */
  stepActions?: StepActions;
  onTrigger: (reason: string, level: string | undefined) => Promise<ActionError | undefined>;
}) {
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [level, setLevel] = useState('');
  const [error, setError] = useState<ActionError>();
  const [busy, setBusy] = useState(false);
  const trigger = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const failed = await onTrigger(reason.trim(), level.trim() || undefined);
      setError(failed);
      if (!failed) setOpened(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder component="section" aria-label="Rollback">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Rollback
        </Title>
        {canTrigger && (
          <Button color="red.9" onClick={() => setOpened(true)}>
            Roll back
          </Button>
        )}
      </Group>
      {rollback ? (
        <Stack gap={4} mt="xs">
          <Text size="sm">
            {rollback.level ? `Level ${rollback.level}: ` : ''}
            {rollback.reason} (requested by {rollback.requestedBy} {when(rollback.startedAt)}
            {/* A failed step keeps the rollback open, waiting for a person: it has stopped, not finished. */}
            {rollback.finishedAt
              ? rollback.steps.some((s) => s.status === 'FAILED')
                ? `, stopped at a failed step ${when(rollback.finishedAt)}`
                : `, finished ${when(rollback.finishedAt)}`
              : ''}
            )
          </Text>
          <List listStyleType="none" spacing={4} aria-label="Rollback steps">
            {rollback.steps.map((s) => (
              <List.Item key={s.id}>
                <Group gap="xs">
                  <Badge color={STEP_COLOUR[s.status]} autoContrast radius="sm">
                    {s.status.toLowerCase()}
                  </Badge>
                  <Text size="sm">
                    {s.title}{' '}
                    <Text span size="xs" c="dark.5">
                      ({s.source})
                    </Text>
                  </Text>
                </Group>
                {s.error &&
                  (s.status === 'FAILED' ? (
                    <Text size="xs" c="red.9">
                      {s.error}
                    </Text>
                  ) : (
                    // Retried or resolved since: the failure is history, not the step's state.
                    <Text size="xs" c="dark.5">
                      failed before: {s.error}
                    </Text>
                  ))}
                {s.resolvedBy && (
                  <Text size="xs">
                    done by hand by {s.resolvedBy}
                    {s.note ? `: ${s.note}` : ''}
                    {s.evidence ? ` (evidence: ${s.evidence})` : ''}
                  </Text>
                )}
                {s.status === 'FAILED' &&
                  stepActions &&
                  (!s.allowedActions || s.allowedActions.length > 0) && (
                    <FailedStepActions step={s} actions={stepActions} />
                  )}
                {s.status === 'RUNNING' && stepActions && s.allowedActions?.includes('CONFIRM') && (
                  <ConfirmStepAction step={s} actions={stepActions} />
                )}
              </List.Item>
            ))}
          </List>
        </Stack>
      ) : (
        <Text size="sm" c="dark.6">
          Not rolled back.
        </Text>
      )}
      {!opened && <ErrorNote error={error} />}
      <Modal opened={opened} onClose={() => setOpened(false)} title="Roll back this rollout?">
        <Stack>
          <Text size="sm">
            The engine undoes what the rollout did (flags, then the plan&apos;s rollback steps, in reverse).
            This cannot be undone.
          </Text>
          <Textarea
            label="Reason"
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <TextInput
            label="Rollback level"
            description="The plan's level to run; its first when empty"
            value={level}
            onChange={(e) => setLevel(e.currentTarget.value)}
          />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button color="red.9" disabled={!reason.trim()} loading={busy} onClick={() => void trigger()}>
              Confirm rollback
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
