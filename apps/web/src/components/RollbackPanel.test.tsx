import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderUi } from '../../test/render';
import type { ActionError } from '../errors';
import { RollbackPanel, type RollbackView } from './RollbackPanel';

const rollback: RollbackView = {
  level: 'full',
  reason: 'error rate',
  requestedBy: 'rita',
  startedAt: '2026-03-10T12:00:00Z',
  finishedAt: '2026-03-10T12:05:00Z',
  steps: [
    { id: 'flags', title: 'Restore flags', source: 'compensation', status: 'DONE' },
    { id: 'dns', title: 'Switch DNS back', source: 'level', status: 'FAILED', error: 'hook not configured' },
    {
      id: 'cache',
      title: 'Purge cache',
      source: 'level',
      status: 'RESOLVED',
      error: 'hook timed out',
      resolvedBy: 'otto',
      note: 'purged by hand',
      evidence: 'TICKET-9',
    },
  ],
};

describe('<RollbackPanel> step actions', () => {
  it('offers Retry and Resolve only on the failed step, and only when the caller may act', () => {
    const { unmount } = renderUi(
      <RollbackPanel rollback={rollback} canTrigger={false} onTrigger={jest.fn()} />,
    );
    expect(screen.queryByRole('button', { name: /Retry/ })).toBeNull();
    // Waiting on its failed step, the rollback has stopped, not finished.
    expect(screen.getByText(/requested by rita .*, stopped at a failed step /)).toBeTruthy();
    expect(screen.queryByText(/finished/)).toBeNull();
    expect(screen.getByText(/done by hand by otto: purged by hand \(evidence: TICKET-9\)/)).toBeTruthy();
    // The failure of a step retried or resolved since reads as history; the failed step's, as its state.
    expect(screen.getByText('hook not configured')).toBeTruthy();
    expect(screen.getByText('failed before: hook timed out')).toBeTruthy();
    unmount();
    renderUi(
      <RollbackPanel
        rollback={rollback}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={{ onRetry: jest.fn(), onResolve: jest.fn(), onConfirm: jest.fn() }}
      />,
    );
    expect(
      screen.getAllByRole('button', { name: /^Retry step/ }).map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Retry step Switch DNS back']);
    expect(screen.getAllByRole('button', { name: /^Resolve step/ })).toHaveLength(1);
  });

  it('offers only the step actions the API allows the caller', () => {
    const steps = rollback.steps.map((s) => (s.id === 'dns' ? { ...s, allowedActions: ['RESOLVE'] } : s));
    renderUi(
      <RollbackPanel
        rollback={{ ...rollback, steps }}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={{ onRetry: jest.fn(), onResolve: jest.fn(), onConfirm: jest.fn() }}
      />,
    );
    expect(screen.queryByRole('button', { name: /^Retry step/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Resolve step Switch DNS back by hand' })).toBeTruthy();
  });

  it('retries the step and shows a refusal as a sentence beside it', async () => {
    const refusal: ActionError = {
      code: 'FORBIDDEN',
      sentence: 'Only operators may retry a rollback step.',
      retryable: false,
    };
    const onRetry = jest.fn().mockResolvedValue(refusal);
    renderUi(
      <RollbackPanel
        rollback={rollback}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={{ onRetry, onResolve: jest.fn(), onConfirm: jest.fn() }}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry step Switch DNS back' }));
    expect(onRetry).toHaveBeenCalledWith('dns');
    expect(await screen.findByText(/Only operators may retry a rollback step/)).toBeTruthy();
  });

  it('resolves the step with a note (required) and evidence, then closes the form', async () => {
    const onResolve = jest.fn().mockResolvedValue(undefined);
    renderUi(
      <RollbackPanel
        rollback={rollback}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={{ onRetry: jest.fn(), onResolve, onConfirm: jest.fn() }}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Resolve step Switch DNS back by hand' }));
    const submit = screen.getByRole('button', { name: 'Mark step resolved' });
    expect(submit).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByLabelText(/What was done by hand/), 'switched DNS in the console');
    await userEvent.type(screen.getByLabelText(/Evidence/), 'https://tickets/42');
    await userEvent.click(submit);
    expect(onResolve).toHaveBeenCalledWith('dns', 'switched DNS in the console', 'https://tickets/42');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Mark step resolved' })).toBeNull());
  });

  it('offers "Confirm done" on a manual step the rollback waits for, only when the API allows it, and shows a refusal', async () => {
    const manual = {
      id: 'dns-manual',
      title: 'Switch DNS back by hand',
      source: 'level',
      status: 'RUNNING' as const,
      allowedActions: ['CONFIRM'],
    };
    const refusal: ActionError = {
      code: 'CONFLICT',
      sentence: 'Rollback step "dns-manual" is not waiting for a person.',
      retryable: false,
    };
    const onConfirm = jest.fn().mockResolvedValue(refusal);
    const actions = { onRetry: jest.fn(), onResolve: jest.fn(), onConfirm };
    const { unmount } = renderUi(
      <RollbackPanel
        rollback={{ ...rollback, steps: [{ ...manual, allowedActions: [] }] }}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={actions}
      />,
    );
    expect(screen.queryByRole('button', { name: /^Confirm done/ })).toBeNull();
    unmount();
    renderUi(
      <RollbackPanel
        rollback={{ ...rollback, steps: [manual] }}
        canTrigger={false}
        onTrigger={jest.fn()}
        stepActions={actions}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Confirm done: Switch DNS back by hand' }));
    expect(onConfirm).toHaveBeenCalledWith('dns-manual');
    expect(await screen.findByText(/is not waiting for a person/)).toBeTruthy();
  });
});
