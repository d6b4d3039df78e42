import {
  Button,
  Card,
  FileInput,
  Group,
  NumberInput,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useClient } from 'urql';
import { useLocation } from 'wouter';
import { ErrorNote } from '../components/ErrorNote';
import { LineReport, type ReportInput } from '../components/LineReport';
import { type ActionError, describeError } from '../errors';
import { ImportPlanMutation, StartRolloutMutation, ValidatePlanMutation } from '../graphql/operations';

interface Saved {
  id: string;
  created: boolean;
  changes: string[];
  phases: string[];
}

export function PlanImportPage() {
  const client = useClient();
  const [, navigate] = useLocation();
  const [markdown, setMarkdown] = useState('');
  const [name, setName] = useState('');
  /** The uploaded file's name: the API names the plan after it when the title is generic. */
  const [fileName, setFileName] = useState<string>();
  const [checked, setChecked] = useState<{
    source: string;
    report: ReportInput;
    valid: boolean;
    summary: string;
  }>();
  const [saved, setSaved] = useState<Saved>();
  const [title, setTitle] = useState('');
  const [timeScale, setTimeScale] = useState<number | string>('');
  const [busy, setBusy] = useState<'check' | 'save' | 'start'>();
  const [error, setError] = useState<{ at: 'check' | 'save' | 'start'; error: ActionError }>();

  const input = () => ({
    markdown,
    ...(name.trim() && { name: name.trim() }),
    ...(fileName && { fileName }),
  });

  const check = async () => {
    setBusy('check');
    setError(undefined);
    const r = await client
      .query(ValidatePlanMutation, { input: input() }, { requestPolicy: 'network-only' })
      .toPromise();
    setBusy(undefined);
    const failed = describeError(r.error);
    if (failed) return setError({ at: 'check', error: failed });
    const v = r.data?.validatePlan;
    if (!v) return;
    setChecked({
      source: markdown,
      valid: v.valid,
      report: v.report ?? { mappedLines: 0, mapped: [], unmapped: [], notes: [], errors: v.errors },
      summary: v.valid
        ? `Valid: ${v.name ?? 'the plan'} in ${v.phases.length} phases (${v.phases.join(', ')}).`
        : `Not valid: ${v.errors.length} problem${v.errors.length === 1 ? '' : 's'}.`,
    });
  };

  const save = async () => {
    setBusy('save');
    setError(undefined);
    const r = await client.mutation(ImportPlanMutation, { input: input() }).toPromise();
    setBusy(undefined);
    const failed = describeError(r.error);
    if (failed) return setError({ at: 'save', error: failed });
    const result = r.data?.importPlan;
    if (!result) return;
    if (result.report)
      setChecked({ source: markdown, valid: true, report: result.report, summary: 'Saved.' });
    setSaved({
      id: result.planVersion.id,
      created: result.created,
      changes: result.changes,
      phases: result.planVersion.phases,
    });
  };

  const start = async () => {
    if (!saved) return;
    setBusy('start');
    setError(undefined);
    const scale = typeof timeScale === 'number' ? timeScale : undefined;
    const r = await client
      .mutation(StartRolloutMutation, {
        input: {
          planVersionId: saved.id,
          ...(title.trim() && { title: title.trim() }),
          ...(scale !== undefined && { parameters: { timeScale: scale } }),
        },
      })
      .toPromise();
    setBusy(undefined);
    const failed = describeError(r.error);
    if (failed) return setError({ at: 'start', error: failed });
    if (r.data) navigate(`/rollouts/${encodeURIComponent(r.data.startRollout.id)}`);
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Import a plan
      </Title>
      <Text size="sm">
        Paste the plan as your team writes it (Markdown). Every line is reported as mapped or not understood
        before you save it as a new version.
      </Text>
      <Group align="flex-start" grow>
        <Stack>
          <Textarea
            label="Plan Markdown"
            autosize
            minRows={12}
            maxRows={30}
            value={markdown}
            onChange={(e) => {
              setMarkdown(e.currentTarget.value);
              setSaved(undefined);
            }}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <FileInput
            label="Or upload a Markdown file"
            placeholder="Choose a .md file"
            // Mantine's placeholder grey is below 4.5:1 on white (axe).
            styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
            accept=".md,.markdown,text/markdown,text/plain"
            clearable={false}
            onChange={(file) => {
              if (!file) return;
              setFileName(file.name);
              void file.text().then((text) => {
                setMarkdown(text);
                setSaved(undefined);
              });
            }}
          />
          <TextInput
            label="Plan name"
            description="Instead of the document's (optional)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group>
            <Button
              variant="default"
              disabled={!markdown.trim()}
              loading={busy === 'check'}
              onClick={() => void check()}
            >
              Check
            </Button>
            <Button disabled={!markdown.trim()} loading={busy === 'save'} onClick={() => void save()}>
              Save as new version
            </Button>
          </Group>
          {error && error.at !== 'start' && (
            <ErrorNote error={error.error} onRetry={() => void (error.at === 'check' ? check() : save())} />
          )}
        </Stack>
        <Stack>
          {checked ? (
            <>
              <Text fw={600} role="status">
                {checked.summary}
              </Text>
              <LineReport source={checked.source} report={checked.report} />
            </>
          ) : (
            <Text size="sm" c="dark.6">
              Check the document to see its line report.
            </Text>
          )}
        </Stack>
      </Group>
      {saved && (
        <Card withBorder component="section" aria-label="Saved version">
          <Title order={2} size="h4">
            {saved.created ? `Saved ${saved.id}` : `${saved.id} already holds this plan`}
          </Title>
          <Text size="sm">Phases: {saved.phases.join(' → ')}</Text>
          {saved.changes.length > 0 && <Text size="sm">Changes: {saved.changes.join('; ')}</Text>}
          <Group align="flex-end" mt="sm">
            <TextInput
              label="Rollout title"
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
            />
            <NumberInput
              label="Time scale"
              description="0 < scale ≤ 1, e.g. 0.001 for a rehearsal"
              min={0}
              max={1}
              decimalScale={6}
              value={timeScale}
              onChange={setTimeScale}
            />
            <Button loading={busy === 'start'} onClick={() => void start()}>
              Start rollout
            </Button>
          </Group>
          {error?.at === 'start' && <ErrorNote error={error.error} onRetry={() => void start()} />}
        </Card>
      )}
    </Stack>
  );
}
