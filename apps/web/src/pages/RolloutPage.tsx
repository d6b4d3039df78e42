import { Anchor, Button, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { type AnyVariables, type TypedDocumentNode, useClient, useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import {
  type ChecklistEntry,
  Checklist,
  type ItemAction,
  type ItemActionInput,
} from '../components/Checklist';
import { DecisionLog, type LogEntry } from '../components/DecisionLog';
import { ErrorNote } from '../components/ErrorNote';
import { GateCard, gateClosed } from '../components/GateCard';
import { PhaseTimeline } from '../components/PhaseTimeline';
import { RollbackPanel } from '../components/RollbackPanel';
import { FlagValues, GuardrailTiles, Messages, Reviews } from '../components/RolloutPanels';
import { ENDED, StatusBadge } from '../components/StatusBadge';
import { when } from '../components/time';
import { type ActionError, describeError } from '../errors';
import {
  ApproveItemMutation,
  CompleteItemMutation,
  ConfirmRollbackStepMutation,
  PauseRolloutMutation,
  ReopenItemMutation,
  ResolveRollbackStepMutation,
  RetryRollbackStepMutation,
  ResumeRolloutMutation,
  RolloutEventsSubscription,
  RolloutQuery,
  SignOffGateMutation,
  SkipItemMutation,
  TriggerRollbackMutation,
} from '../graphql/operations';

export function RolloutPage({ id }: { id: string }) {
  const client = useClient();
  const [result, refetch] = useQuery({
    query: RolloutQuery,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const [now, setNow] = useState(() => Date.now());
  const [pauseError, setPauseError] = useState<ActionError>();

  // The decision log, live: the subscription replays the rollout's events from its start, then tails them.
  // Each new event re-reads the rollout (debounced), so what others do shows without a reload.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [log] = useSubscription(
    { query: RolloutEventsSubscription, variables: { rolloutId: id } },
    (entries: LogEntry[] = [], event) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => refetch({ requestPolicy: 'network-only' }), 300);
      const e = event.rolloutEvents;
      return entries.some((x) => x.seq === e.seq) ? entries : [...entries, e];
    },
  );
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      clearInterval(tick);
      clearTimeout(timer.current);
    };
  }, []);

  /** Sends a mutation; answers the refusal or failure as a sentence (undefined when accepted). */
  async function act<V extends AnyVariables>(document: TypedDocumentNode<unknown, V>, variables: V) {
    const r = await client.mutation(document, variables).toPromise();
    return describeError(r.error);
  }

  const rollout = result.data?.rollout;
  const error = describeError(result.error);
  if (!rollout) {
    return (
      <Stack>
        <Anchor component={Link} href="/">
          ← All rollouts
        </Anchor>
        {error ? (
          <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <Group>
            <Loader size="sm" aria-label="Loading the rollout" />
            <Text>Loading rollout {id}…</Text>
          </Group>
        )}
      </Stack>
    );
  }

  const ended = ENDED.includes(rollout.status);
  const current = rollout.phases.find((p) => p.id === rollout.currentPhase);
  const live = !ended && current?.status === 'RUNNING';
  const onItem = (action: ItemAction, item: ChecklistEntry, input: ItemActionInput) => {
    const ref = { rolloutId: rollout.id, itemId: item.id, phaseId: current?.id };
    switch (action) {
      case 'complete':
        return act(CompleteItemMutation, { input: { ...ref, note: input.note, evidence: input.evidence } });
      case 'approve':
        return act(ApproveItemMutation, { input: ref });
      case 'reopen':
        return act(ReopenItemMutation, { input: ref });
      case 'skip':
        return act(SkipItemMutation, { input: { ...ref, justification: input.justification ?? '' } });
    }
  };
  const pauseOrResume = async () => {
    setPauseError(undefined);
    setPauseError(
      rollout.status === 'PAUSED'
        ? await act(ResumeRolloutMutation, { input: { rolloutId: rollout.id } })
        : await act(PauseRolloutMutation, { input: { rolloutId: rollout.id } }),
    );
  };

  return (
    <Stack>
      <Anchor component={Link} href="/">
        ← All rollouts
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {rollout.title ?? rollout.id}
          </Title>
          <Group gap="xs">
            <StatusBadge status={rollout.status} testId="rollout-status" />
            <Text size="sm">
              {rollout.planVersionId ?? rollout.plan} · started by {rollout.startedBy}{' '}
              {when(rollout.startedAt)}
              {rollout.completedAt ? ` · ended ${when(rollout.completedAt)}` : ''}
            </Text>
          </Group>
        </div>
        <Group>
          {rollout.allowedActions.includes(rollout.status === 'PAUSED' ? 'RESUME' : 'PAUSE') && (
            <Button variant="default" onClick={() => void pauseOrResume()}>
              {rollout.status === 'PAUSED' ? 'Resume' : 'Pause'}
            </Button>
          )}
          <Anchor href={rollout.webUiUrl} target="_blank" rel="noreferrer">
            Open in Temporal Web UI
          </Anchor>
        </Group>
      </Group>
      <ErrorNote error={pauseError} />
      <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      <PhaseTimeline phases={rollout.phases} currentPhase={rollout.currentPhase} now={now} />
      {current ? (
        <SimpleGrid cols={{ base: 1, lg: 3 }}>
          <Card withBorder style={{ gridColumn: 'span 2' }}>
            <Checklist
              heading={`Checklist of ${current.name}`}
              items={current.checklist}
              editable={live}
              onAction={onItem}
            />
          </Card>
          <Stack>
            <GateCard
              phaseName={current.name}
              gate={current.gate}
              checklist={current.checklist}
              editable={live}
              closed={gateClosed(rollout.status, current.status)}
              onSign={(note) =>
                act(SignOffGateMutation, { input: { rolloutId: rollout.id, phaseId: current.id, note } })
              }
            />
            {rollout.timers.length > 0 && (
              <Card withBorder component="section" aria-label="Timers">
                <Title order={3} size="h5">
                  Timers
                </Title>
                <List size="sm">
                  {rollout.timers.map((t) => (
                    <List.Item key={`${t.kind}-${t.dueAt}`}>
                      {t.summary} — {when(t.dueAt)}
                    </List.Item>
                  ))}
                </List>
              </Card>
            )}
          </Stack>
        </SimpleGrid>
      ) : (
        <Text>{ended ? 'This rollout has ended.' : 'No phase is current right now.'}</Text>
      )}
      <GuardrailTiles guardrails={rollout.guardrails} />
      <RollbackPanel
        rollback={rollout.rollback}
        canTrigger={rollout.allowedActions.includes('ROLL_BACK')}
        onTrigger={(reason, level) =>
          act(TriggerRollbackMutation, { input: { rolloutId: rollout.id, reason, level } })
        }
        stepActions={
          rollout.rollback?.steps.some((s) => s.allowedActions.length > 0)
            ? {
                onRetry: (stepId) =>
                  act(RetryRollbackStepMutation, { input: { rolloutId: rollout.id, stepId } }),
                onResolve: (stepId, note, evidence) =>
                  act(ResolveRollbackStepMutation, {
                    input: { rolloutId: rollout.id, stepId, note, evidence },
                  }),
                onConfirm: (stepId) =>
                  act(ConfirmRollbackStepMutation, { input: { rolloutId: rollout.id, stepId } }),
              }
            : undefined
        }
      />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <FlagValues flags={rollout.flags} />
        <Reviews reviews={rollout.reviews} />
      </SimpleGrid>
      <Messages messages={rollout.messages ?? []} />
      <ErrorNote error={describeError(log.error)} />
      <DecisionLog entries={log.data ?? []} live={!ended && !log.error} />
    </Stack>
  );
}
