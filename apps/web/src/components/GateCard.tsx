import { Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { ActionError } from '../errors';
import type { ChecklistEntry } from './Checklist';
import { ErrorNote } from './ErrorNote';
import { when } from './time';

/** The current phase's gate: signed (by whom, when) or what is missing, and Sign off phase. */
export function GateCard({
  phaseName,
  gate,
  checklist,
  editable,
  closed,
  onSign,
}: {
  phaseName: string;
  /** Set when the phase can no longer be signed (rolled back, aborted, ended): what to say instead. */
  closed?: string;
  gate:
    | {
        signedAt?: string | null;
        signedBy?: string | null;
        note?: string | null;
        /** From the API: whether the caller may sign now, why not, who may, what is missing. */
        canSignOff?: boolean;
        signOffRefusal?: string | null;
        signers?: readonly string[];
        missing?: readonly string[];
      }
    | null
    | undefined;
  checklist: readonly ChecklistEntry[];
  editable: boolean;
  onSign: (note: string | undefined) => Promise<ActionError | undefined>;
}) {
  const [opened, setOpened] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ActionError>();
  const [busy, setBusy] = useState(false);
  const missing = checklist.filter(
    (i) => i.status === 'OPEN' || (i.kind === 'approval' && i.status === 'DONE'),
  );
  const sign = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const failed = await onSign(note.trim() || undefined);
      setError(failed);
      if (!failed) setOpened(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder component="section" aria-label="Gate">
      <Title order={3} size="h5">
        Gate: sign-off of {phaseName}
      </Title>
      {gate?.signedBy ? (
        <Text size="sm">
          Signed by {gate.signedBy} {when(gate.signedAt)}
          {gate.note ? ` — ${gate.note}` : ''}
        </Text>
      ) : closed ? (
        <Text size="sm" mt={4}>
          {closed}
        </Text>
      ) : (
        <Stack gap={4} mt={4}>
          {gate?.signers && gate.signers.length > 0 && (
            <Text size="sm">Who may sign: {gate.signers.join(', ')}</Text>
          )}
          <Text size="sm">
            {gate?.missing
              ? gate.missing.length === 0
                ? 'Only the sign-off is left.'
                : `Missing before sign-off: ${gate.missing.join('; ')}.`
              : missing.length === 0
                ? 'Every item is done: the gate can be signed.'
                : `Missing before sign-off: ${missing.length} item${missing.length === 1 ? '' : 's'} (${missing
                    .slice(0, 3)
                    .map((i) => i.title.replace(/[.。]\s*$/, ''))
                    .join('; ')}${missing.length > 3 ? '; …' : ''}).`}
          </Text>
          {editable && gate?.canSignOff === false && gate.signOffRefusal && (
            <Text size="sm" c="dark.6">
              Sign-off not offered to you: {gate.signOffRefusal}
            </Text>
          )}
          {editable && gate?.canSignOff !== false && (
            <Group>
              <Button onClick={() => setOpened(true)}>Sign off phase</Button>
            </Group>
          )}
          {!opened && <ErrorNote error={error} onRetry={() => void sign()} />}
        </Stack>
      )}
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Sign off ${phaseName}`}>
        <Stack>
          <Textarea label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button loading={busy} onClick={() => void sign()}>
              Sign off
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

const ROLLING_BACK = ['ROLLING_BACK', 'ROLLBACK_FAILED', 'ROLLED_BACK'];

/**
 * What the gate card says instead of "what is missing" when the phase can no longer be signed: a rollout being
 * rolled back, or a phase that ended without a sign-off. `undefined` while the gate is still open.
 */
export function gateClosed(rolloutStatus: string, phaseStatus: string): string | undefined {
  if (ROLLING_BACK.includes(rolloutStatus)) return 'Not signed: the rollout is being rolled back.';
  if (phaseStatus === 'RUNNING') return undefined;
  return `Not signed: the phase is ${phaseStatus.toLowerCase()}.`;
}
