import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderUi } from '../../test/render';
import type { ActionError } from '../errors';
import { approvalRefusal, Checklist, type ChecklistEntry, itemActions } from './Checklist';

const items: ChecklistEntry[] = [
  { id: 'fixtures', title: 'Fixtures loaded', kind: 'manual', status: 'OPEN', roles: [] },
  {
    id: 'runbooks',
    title: 'Runbooks reviewed by Ops',
    kind: 'approval',
    status: 'DONE',
    roles: ['ops'],
    doneBy: 'otto',
  },
  {
    id: 'audit',
    title: 'Audit logs capturing writes',
    kind: 'manual',
    status: 'SKIPPED',
    roles: [],
    skipJustification: 'n/a',
  },
];

const row = (title: string) => screen.getByText(title).closest('tr') as HTMLElement;

describe('itemActions', () => {
  it('offers what the item state allows', () => {
    expect(itemActions({ status: 'OPEN', kind: 'manual' })).toEqual(['complete', 'skip']);
    expect(itemActions({ status: 'DONE', kind: 'approval' })).toEqual(['approve', 'reopen']);
    expect(itemActions({ status: 'DONE', kind: 'manual' })).toEqual(['reopen']);
    expect(itemActions({ status: 'APPROVED', kind: 'approval' })).toEqual(['reopen']);
    expect(itemActions({ status: 'SKIPPED', kind: 'manual' })).toEqual(['reopen']);
  });
});

describe("itemActions with the API's allowedActions", () => {
  it('offers only what the API says the caller may do, in a stable order', () => {
    expect(itemActions({ status: 'OPEN', kind: 'manual', allowedActions: ['SKIP', 'COMPLETE'] })).toEqual([
      'complete',
      'skip',
    ]);
    expect(itemActions({ status: 'DONE', kind: 'approval', allowedActions: ['REOPEN'] })).toEqual(['reopen']);
    expect(itemActions({ status: 'OPEN', kind: 'manual', allowedActions: [] })).toEqual([]);
  });

  it('says why an approval is not offered (the caller did the work)', () => {
    const own: ChecklistEntry = {
      id: 'runbooks',
      title: 'Runbooks reviewed by Ops',
      kind: 'approval',
      status: 'DONE',
      roles: ['ops'],
      doneBy: 'otto',
      allowedActions: ['REOPEN'],
      refusals: [
        { action: 'APPROVE', message: 'otto did the work of "runbooks" and may not also approve it' },
      ],
    };
    renderUi(<Checklist items={[own]} editable onAction={() => Promise.resolve(undefined)} />);
    expect(within(row('Runbooks reviewed by Ops')).queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(within(row('Runbooks reviewed by Ops')).getByRole('button', { name: 'Reopen' })).toBeTruthy();
    expect(screen.getByTestId('approval-refusal').textContent).toBe(
      'Approval not offered to you: otto did the work of "runbooks" and may not also approve it',
    );
    expect(approvalRefusal({ ...own, allowedActions: ['APPROVE', 'REOPEN'] })).toBeUndefined();
  });
});

describe('<Checklist>', () => {
  it('shows each item with its buttons, named by what they do, and counts what is left', () => {
    renderUi(<Checklist items={items} editable onAction={() => Promise.resolve(undefined)} />);
    expect(
      within(row('Fixtures loaded'))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Complete', 'Skip']);
    expect(
      within(row('Runbooks reviewed by Ops'))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Approve', 'Reopen']);
    // The button's description is its item, for screen readers.
    const describedBy = within(row('Fixtures loaded'))
      .getByRole('button', { name: 'Complete' })
      .getAttribute('aria-describedby');
    expect(describedBy && document.getElementById(describedBy)?.textContent).toBe('Fixtures loaded');
    expect(screen.getByText('2 of 3 still to do')).toBeTruthy();
  });

  it('offers no action when not editable (a phase that is not current)', () => {
    renderUi(<Checklist items={items} editable={false} onAction={() => Promise.resolve(undefined)} />);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('completes an item with a note and evidence through its dialog', async () => {
    const user = userEvent.setup({ delay: null });
    const onAction = jest.fn(() => Promise.resolve<ActionError | undefined>(undefined));
    renderUi(<Checklist items={items} editable onAction={onAction} />);
    await user.click(within(row('Fixtures loaded')).getByRole('button', { name: 'Complete' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Note'), 'loaded from the fixtures plan');
    await user.type(within(dialog).getByLabelText('Evidence link'), 'https://ci.example/run/42');
    await user.click(within(dialog).getByRole('button', { name: 'Complete item' }));
    expect(onAction).toHaveBeenCalledWith('complete', expect.objectContaining({ id: 'fixtures' }), {
      note: 'loaded from the fixtures plan',
      evidence: 'https://ci.example/run/42',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows a refusal as a sentence next to the item, and keeps the others quiet', async () => {
    const user = userEvent.setup({ delay: null });
    const refusal: ActionError = {
      code: 'FORBIDDEN',
      sentence: 'Not allowed: otto did the work and may not approve it.',
      retryable: false,
    };
    renderUi(<Checklist items={items} editable onAction={() => Promise.resolve(refusal)} />);
    await user.click(within(row('Runbooks reviewed by Ops')).getByRole('button', { name: 'Approve' }));
    const alert = await within(row('Runbooks reviewed by Ops')).findByRole('alert');
    expect(alert.textContent).toContain('otto did the work and may not approve it');
    expect(within(row('Fixtures loaded')).queryByRole('alert')).toBeNull();
    // Not retryable: no Retry button.
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('offers Retry when the engine was unavailable, and retries the same action', async () => {
    const user = userEvent.setup({ delay: null });
    const onAction = jest
      .fn<Promise<ActionError | undefined>, unknown[]>()
      .mockResolvedValueOnce({
        code: 'UNAVAILABLE',
        sentence: 'The engine did not answer in time.',
        retryable: true,
      })
      .mockResolvedValueOnce(undefined);
    renderUi(<Checklist items={items} editable onAction={onAction} />);
    await user.click(within(row('Audit logs capturing writes')).getByRole('button', { name: 'Reopen' }));
    const alert = await within(row('Audit logs capturing writes')).findByRole('alert');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(row('Audit logs capturing writes')).queryByRole('alert')).toBeNull());
    expect(onAction.mock.calls.map((c) => c[0])).toEqual(['reopen', 'reopen']);
  });

  it('asks for a justification before skipping', async () => {
    const user = userEvent.setup({ delay: null });
    const onAction = jest.fn(() => Promise.resolve<ActionError | undefined>(undefined));
    renderUi(<Checklist items={items} editable onAction={onAction} />);
    await user.click(within(row('Fixtures loaded')).getByRole('button', { name: 'Skip' }));
    const dialog = await screen.findByRole('dialog');
    const skip = within(dialog).getByRole('button', { name: 'Skip item' });
    expect(skip.hasAttribute('disabled')).toBe(true);
    await user.type(within(dialog).getByLabelText(/Justification/), 'covered by the pilot');
    await user.click(skip);
    expect(onAction).toHaveBeenCalledWith('skip', expect.objectContaining({ id: 'fixtures' }), {
      justification: 'covered by the pilot',
    });
  });
});
