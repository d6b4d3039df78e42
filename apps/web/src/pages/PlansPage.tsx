import {
  Anchor,
  Button,
  Card,
  Code,
  Group,
  Loader,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/time';
import { canonicalYaml, VersionDiff } from '../components/VersionDiff';
import { type ActionError, describeError } from '../errors';
import { PlansQuery, StartRolloutMutation } from '../graphql/operations';

/** Start a rollout of one version, with its parameters (timeScale). */
function StartForm({ versionId }: { versionId: string }) {
  const client = useClient();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [timeScale, setTimeScale] = useState<number | string>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ActionError>();
  const start = async () => {
    setBusy(true);
    setError(undefined);
    const r = await client
      .mutation(StartRolloutMutation, {
        input: {
          planVersionId: versionId,
          ...(title.trim() && { title: title.trim() }),
          ...(typeof timeScale === 'number' && { parameters: { timeScale } }),
        },
      })
      .toPromise();
    setBusy(false);
    const failed = describeError(r.error);
    if (failed) return setError(failed);
    if (r.data) navigate(`/rollouts/${encodeURIComponent(r.data.startRollout.id)}`);
  };
  return (
    <Stack gap="xs">
      <Group align="flex-end">
        <TextInput label="Rollout title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <NumberInput
          label="Time scale"
          description="0 < scale ≤ 1, e.g. 0.001 for a rehearsal"
          min={0}
          max={1}
          decimalScale={6}
          value={timeScale}
          onChange={setTimeScale}
        />
        <Button loading={busy} onClick={() => void start()}>
          Start rollout of {versionId}
        </Button>
      </Group>
      <ErrorNote error={error} onRetry={() => void start()} />
    </Stack>
  );
}

export function PlansPage() {
  const [result, refetch] = useQuery({ query: PlansQuery, requestPolicy: 'cache-and-network' });
  const [shown, setShown] = useState<string>();
  const [compare, setCompare] = useState<{ plan: string; from: string; to: string }>();
  const error = describeError(result.error);
  const plans = result.data?.plans;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Plans
        </Title>
        <Anchor component={Link} href="/plans/import">
          Import a plan
        </Anchor>
      </Group>
      <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      {!plans && !error && (
        <Group>
          <Loader size="sm" aria-label="Loading the plans" />
          <Text>Loading plans…</Text>
        </Group>
      )}
      {plans?.length === 0 && (
        <Text>
          No plan yet.{' '}
          <Anchor component={Link} href="/plans/import">
            Import one from Markdown
          </Anchor>
          .
        </Text>
      )}
      {plans?.map((plan) => {
        const ids = plan.versions.map((v) => v.id);
        const diff = compare?.plan === plan.name ? compare : undefined;
        const from = plan.versions.find((v) => v.id === diff?.from);
        const to = plan.versions.find((v) => v.id === diff?.to);
        return (
          <Card withBorder key={plan.name} component="section" aria-label={`Plan ${plan.name}`}>
            <Title order={2} size="h4">
              {plan.title ?? plan.name}{' '}
              <Text span size="sm" c="dimmed">
                ({plan.name}, latest {plan.latest.id})
              </Text>
            </Title>
            <Table fz="sm" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Phases</Table.Th>
                  <Table.Th>Saved</Table.Th>
                  <Table.Th>Changes</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plan.versions.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>{v.id}</Table.Td>
                    <Table.Td>{v.phases.join(' → ')}</Table.Td>
                    <Table.Td>
                      {when(v.createdAt)} by {v.createdBy} ({v.format})
                    </Table.Td>
                    <Table.Td>{v.changes.length ? v.changes.join('; ') : '—'}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-expanded={shown === v.id}
                        onClick={() => setShown(shown === v.id ? undefined : v.id)}
                      >
                        {shown === v.id ? `Hide ${v.id}` : `Show ${v.id}`}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {plan.versions
              .filter((v) => v.id === shown)
              .map((v) => (
                <Stack key={v.id} mt="sm" aria-label={`Version ${v.id}`} component="section">
                  <Title order={3} size="h5">
                    {v.id}: canonical YAML
                  </Title>
                  <Code block>{canonicalYaml(v.planJson)}</Code>
                  <StartForm versionId={v.id} />
                </Stack>
              ))}
            {ids.length > 1 && (
              <Stack mt="sm" gap="xs">
                <Group align="flex-end">
                  <NativeSelect
                    label="Compare from"
                    data={ids}
                    value={diff?.from ?? ids[1]}
                    onChange={(e) =>
                      setCompare({ plan: plan.name, from: e.currentTarget.value, to: diff?.to ?? ids[0] })
                    }
                  />
                  <NativeSelect
                    label="to"
                    data={ids}
                    value={diff?.to ?? ids[0]}
                    onChange={(e) =>
                      setCompare({ plan: plan.name, from: diff?.from ?? ids[1], to: e.currentTarget.value })
                    }
                  />
                  {!diff && (
                    <Button
                      variant="default"
                      onClick={() => setCompare({ plan: plan.name, from: ids[1], to: ids[0] })}
                    >
                      Compare versions of {plan.name}
                    </Button>
                  )}
                </Group>
                {from && to && (
                  <VersionDiff from={from.planJson} to={to.planJson} fromId={from.id} toId={to.id} />
                )}
              </Stack>
            )}
          </Card>
        );
      })}
    </Stack>
  );
}
