import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useId, useState } from 'react';
import type { ActionError } from '../errors';
import type { ChecklistItemStatus } from '../gql/graphql';
import { ErrorNote } from './ErrorNote';
import { when } from './time';
import { tone } from '../theme';

export interface ChecklistEntry {
  id: string;
  title: string;
  kind: string;
  status: ChecklistItemStatus;
  roles: string[];
  doneBy?: string | null;
  doneAt?: string | null;
  approvedBy?: string | null;
  note?: string | null;
  evidence?: string | null;
  skipJustification?: string | null;
  /** What the caller may do now, from the API (the engine's rules); absent: offer what the state allows. */
  allowedActions?: readonly ('COMPLETE' | 'APPROVE' | 'REOPEN' | 'SKIP')[];
  /** Why the caller may not take an action, in the engine's words. */
  refusals?: readonly { action: string; message: string }[];
}

export type ItemAction = 'complete' | 'approve' | 'reopen' | 'skip';

export interface ItemActionInput {
  note?: string;
  evidence?: string;
  justification?: string;
}

/**
 * The actions a checklist item offers: those the API says the caller may take (ChecklistItem.allowedActions,
 * computed by the engine's own rules), in the state's order; without that field, what the state allows.
 */
export function itemActions(item: Pick<ChecklistEntry, 'status' | 'kind' | 'allowedActions'>): ItemAction[] {
  const byState = actionsOfState(item);
  if (!item.allowedActions) return byState;
  const allowed = new Set(item.allowedActions.map((a) => a.toLowerCase()));
  return (['complete', 'approve', 'reopen', 'skip'] as const).filter((a) => allowed.has(a));
}

/**
 * Why an approval whose work is done is not offered to the caller (e.g. they did the work themselves), so the
 * item says so instead of a button that would be refused.
 */
export function approvalRefusal(item: ChecklistEntry): string | undefined {
  if (item.status !== 'DONE' || item.kind !== 'approval' || !item.allowedActions) return undefined;
  if (item.allowedActions.includes('APPROVE')) return undefined;
  return item.refusals?.find((r) => r.action === 'APPROVE')?.message;
}

function actionsOfState(item: Pick<ChecklistEntry, 'status' | 'kind'>): ItemAction[] {
  switch (item.status) {
    case 'OPEN':
      return ['complete', 'skip'];
    case 'DONE':
      return item.kind === 'approval' ? ['approve', 'reopen'] : ['reopen'];
    case 'APPROVED':
    case 'SKIPPED':
      return ['reopen'];
    default:
      return [];
  }
}

const LABEL: Record<ItemAction, string> = {
  complete: 'Complete',
  approve: 'Approve',
  reopen: 'Reopen',
  skip: 'Skip',
};

const STATUS_COLOUR: Record<ChecklistItemStatus, string> = {
  OPEN: tone.neutral,
  DONE: tone.info,
  APPROVED: tone.ok,
  SKIPPED: tone.ended,
};

function isLink(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

function ItemRow({
  item,
  editable,
  onAction,
}: {
  item: ChecklistEntry;
  editable: boolean;
  onAction: (
    action: ItemAction,
    item: ChecklistEntry,
    input: ItemActionInput,
  ) => Promise<ActionError | undefined>;
}) {
  const titleId = useId();
  const [error, setError] = useState<ActionError>();
  const [busy, setBusy] = useState<ItemAction>();
  const [dialog, setDialog] = useState<'complete' | 'skip'>();
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState('');
  const [justification, setJustification] = useState('');
  const [lastAction, setLastAction] = useState<{ action: ItemAction; input: ItemActionInput }>();

  const run = async (action: ItemAction, input: ItemActionInput) => {
    setBusy(action);
    setError(undefined);
    setLastAction({ action, input });
    try {
      const failed = await onAction(action, item, input);
      setError(failed);
      if (!failed) setDialog(undefined);
    } finally {
      setBusy(undefined);
    }
  };

  const open = (action: ItemAction) => {
    if (action === 'complete' || action === 'skip') {
      setNote('');
      setEvidence('');
      setJustification('');
      setDialog(action);
    } else void run(action, {});
  };

  const done = item.doneBy ? `done by ${item.doneBy} ${when(item.doneAt)}` : undefined;
  const approved = item.approvedBy ? `approved by ${item.approvedBy}` : undefined;
  return (
    <Table.Tr data-item={item.id}>
      <Table.Td>
        <Text id={titleId} fw={500}>
          {item.title}
        </Text>
        <Text size="xs" c="dark.5">
          {[item.kind, item.roles.length ? `roles: ${item.roles.join(', ')}` : undefined, done, approved]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        {item.note && <Text size="xs">Note: {item.note}</Text>}
        {item.evidence && (
          <Text size="xs">
            Evidence:{' '}
            {isLink(item.evidence) ? <Anchor href={item.evidence}>{item.evidence}</Anchor> : item.evidence}
          </Text>
        )}
        {item.skipJustification && <Text size="xs">Skipped because: {item.skipJustification}</Text>}
        {editable && approvalRefusal(item) && (
          <Text size="xs" c="dark.6" data-testid="approval-refusal">
            Approval not offered to you: {approvalRefusal(item)}
          </Text>
        )}
        <ErrorNote
          error={error}
          onRetry={lastAction && (() => void run(lastAction.action, lastAction.input))}
        />
      </Table.Td>
      <Table.Td style={{ width: '7rem' }}>
        <Badge color={STATUS_COLOUR[item.status]} autoContrast radius="sm">
          {item.status.toLowerCase()}
        </Badge>
      </Table.Td>
      <Table.Td>
        {editable && (
          <Group gap="xs" wrap="nowrap">
            {itemActions(item).map((action) => (
              <Button
                key={action}
                size="compact-sm"
                variant={action === 'complete' || action === 'approve' ? 'filled' : 'default'}
                aria-describedby={titleId}
                loading={busy === action}
                onClick={() => open(action)}
              >
                {LABEL[action]}
              </Button>
            ))}
          </Group>
        )}
        <Modal
          opened={dialog === 'complete'}
          onClose={() => setDialog(undefined)}
          title={`Complete “${item.title}”`}
        >
          <Stack>
            <Textarea label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <TextInput
              label="Evidence link"
              placeholder="https://…"
              value={evidence}
              onChange={(e) => setEvidence(e.currentTarget.value)}
            />
            <ErrorNote error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(undefined)}>
                Cancel
              </Button>
              <Button
                loading={busy === 'complete'}
                onClick={() =>
                  void run('complete', { note: note || undefined, evidence: evidence || undefined })
                }
              >
                Complete item
              </Button>
            </Group>
          </Stack>
        </Modal>
        <Modal opened={dialog === 'skip'} onClose={() => setDialog(undefined)} title={`Skip “${item.title}”`}>
          <Stack>
            <Textarea
              label="Justification"
              description="Why the item is skipped (kept in the audit log)"
              required
              value={justification}
              onChange={(e) => setJustification(e.currentTarget.value)}
            />
            <ErrorNote error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(undefined)}>
                Cancel
              </Button>
              <Button
                color={tone.rollback}
                disabled={!justification.trim()}
                loading={busy === 'skip'}
                onClick={() => void run('skip', { justification })}
              >
                Skip item
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

export function Checklist({
  items,
  editable,
  onAction,
  heading = 'Checklist',
}: {
  items: readonly ChecklistEntry[];
  /** Whether actions are offered (the phase is the current one and the rollout is live). */
  editable: boolean;
  onAction: (
    action: ItemAction,
    item: ChecklistEntry,
    input: ItemActionInput,
  ) => Promise<ActionError | undefined>;
  heading?: string;
}) {
  const left = items.filter(
    (i) => i.status === 'OPEN' || (i.kind === 'approval' && i.status === 'DONE'),
  ).length;
  return (
    <section aria-label={heading}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {heading}
        </Title>
        <Text size="sm" c="dark.6">
          {items.length === 0
            ? 'no items'
            : left === 0
              ? 'all done'
              : `${left} of ${items.length} still to do`}
        </Text>
      </Group>
      {items.length === 0 ? (
        <Text size="sm">This phase has no checklist.</Text>
      ) : (
        <Table striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <ItemRow key={item.id} item={item} editable={editable} onAction={onAction} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}
