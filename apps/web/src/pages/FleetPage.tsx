import { Anchor, Button, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { ErrorNote } from '../components/ErrorNote';
import { ENDED, StatusBadge, statusLabel } from '../components/StatusBadge';
import { when } from '../components/time';
import { describeError } from '../errors';
import type { RolloutStatus } from '../gql/graphql';
import { PlansQuery, RolloutEventsSubscription, RolloutsQuery } from '../graphql/operations';

const PAGE = 20;
const STATUSES: RolloutStatus[] = [
  'PENDING',
  'RUNNING',
  'WAITING_FOR_SIGN_OFF',
  'PAUSED',
  'IN_REVIEW',
  'ROLLING_BACK',
  'ROLLBACK_FAILED',
  'ROLLED_BACK',
  'ABORTED',
  'COMPLETED',
  'TERMINATED',
];

/** What a rollout in this status waits for, in words. */
export function waitsFor(status: RolloutStatus, phase: string | undefined): string {
  switch (status) {
    case 'PENDING':
      return 'the engine to start it';
    case 'RUNNING':
      return phase ? `the checklist of ${phase}` : 'its next phase';
    case 'WAITING_FOR_SIGN_OFF':
      return phase ? `sign-off of ${phase}` : 'a sign-off';
    case 'PAUSED':
      return 'someone to resume it';
    case 'IN_REVIEW':
      return 'post-launch reviews';
    case 'ROLLING_BACK':
      return 'its rollback steps';
    case 'ROLLBACK_FAILED':
      return 'a person: a rollback step failed';
    default:
      return '—';
  }
}

/** Re-reads the list when a visible live rollout reports an event (the subscription replays, then tails). */
function Watch({ rolloutId, onEvent }: { rolloutId: string; onEvent: () => void }) {
  useSubscription({ query: RolloutEventsSubscription, variables: { rolloutId } }, (_prev, event) => {
    onEvent();
    return event;
  });
  return null;
}

export function FleetPage() {
  const [status, setStatus] = useState<string | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const filter = useMemo(
    () =>
      status || plan
        ? { ...(status && { status: status as RolloutStatus }), ...(plan && { plan }) }
        : undefined,
    [status, plan],
  );
  const [result, refetch] = useQuery({
    query: RolloutsQuery,
    variables: { first: PAGE, after, filter },
    requestPolicy: 'cache-and-network',
  });
  const [plans] = useQuery({ query: PlansQuery });

  // Live: a visible rollout's event re-reads the page (debounced); a slow poll catches new rollouts.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refresh = useMemo(
    () => () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => refetch({ requestPolicy: 'network-only' }), 400);
    },
    [refetch],
  );
  useEffect(() => {
    const poll = setInterval(() => refetch({ requestPolicy: 'network-only' }), 15_000);
    return () => {
      clearInterval(poll);
      clearTimeout(timer.current);
    };
  }, [refetch]);

  /** plan@version (and plan, for its latest version) → phase ids, for "phase n/N". */
  const phaseIds = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of plans.data?.plans ?? [])
      for (const v of p.versions) {
        try {
          const parsed = JSON.parse(v.planJson) as { phases?: { id: string }[] };
          const ids = (parsed.phases ?? []).map((ph) => ph.id);
          map.set(v.id, ids);
          // The list row may not name its version: the plan's latest then.
          if (v.id === p.latest.id) map.set(p.name, ids);
        } catch {
          /* a version whose JSON cannot be read shows no n/N */
        }
      }
    return map;
  }, [plans.data]);

  const error = describeError(result.error);
  const connection = result.data?.rollouts;
  const rows = connection?.edges.map((e) => e.node) ?? [];
  const resetPaging = () => setCursors([undefined]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Rollouts
        </Title>
        <Button component={Link} href="/plans/import" variant="default">
          Import a plan
        </Button>
      </Group>
      <Group align="flex-end">
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          value={status}
          onChange={(v) => {
            setStatus(v);
            resetPaging();
          }}
        />
        <Select
          label="Plan"
          placeholder="Any plan"
          clearable
          data={(plans.data?.plans ?? []).map((p) => p.name)}
          value={plan}
          onChange={(v) => {
            setPlan(v);
            resetPaging();
          }}
        />
        {connection && (
          <Text size="sm" c="dark.6" aria-live="polite">
            {connection.totalCount} rollout{connection.totalCount === 1 ? '' : 's'}
          </Text>
        )}
      </Group>
      <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      {result.fetching && !result.data ? (
        <Group>
          <Loader size="sm" aria-label="Loading rollouts" />
          <Text>Loading rollouts…</Text>
        </Group>
      ) : rows.length === 0 && !error ? (
        <Text>
          No rollouts {filter ? 'match these filters' : 'yet'}.{' '}
          <Anchor component={Link} href="/plans/import">
            Import a plan
          </Anchor>{' '}
          to start one.
        </Text>
      ) : (
        <Table striped highlightOnHover aria-label="Rollouts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rollout</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th>Phase</Table.Th>
              <Table.Th>Waits for</Table.Th>
              <Table.Th>Started</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => {
              const ids = phaseIds.get(r.planVersion ? `${r.plan}@${r.planVersion}` : r.plan);
              const n = r.currentPhase && ids ? ids.indexOf(r.currentPhase) + 1 : 0;
              return (
                <Table.Tr key={r.id} data-rollout={r.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/rollouts/${encodeURIComponent(r.id)}`}>
                      {r.title ?? r.id}
                    </Anchor>
                    {r.title && (
                      <Text size="xs" c="dark.5">
                        {r.id}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>
                    {r.plan}
                    {r.planVersion ? `@${r.planVersion}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {r.currentPhase ?? '—'}
                    {n > 0 && ids ? ` (${n}/${ids.length})` : ''}
                  </Table.Td>
                  <Table.Td>{waitsFor(r.status, r.currentPhase ?? undefined)}</Table.Td>
                  <Table.Td>{when(r.startedAt)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {rows
        .filter((r) => !ENDED.includes(r.status))
        .map((r) => (
          <Watch key={r.id} rolloutId={r.id} onEvent={refresh} />
        ))}
      <Group>
        <Button
          variant="default"
          disabled={cursors.length < 2}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!connection?.pageInfo.hasNextPage}
          onClick={() => setCursors((c) => [...c, connection?.pageInfo.endCursor ?? undefined])}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
