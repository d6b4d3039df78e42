import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { pilotPhase } from '../../../workflows/engine/engine.fixtures';
import type { EngineState } from '../../../workflows/engine/messages';
import { enterPhase, type PhaseState } from '../../../workflows/engine/phase';
import { ActionRefusedError, refuseConflictEarly, sendItemAction } from './engine-actions';

const olga = { id: 'olga', roles: ['operator'] };
const plan = { phases: [pilotPhase] };

/** A phase handle whose query answers `query()` and whose Updates `update()`; both counted. */
function phaseHandle(query: () => Promise<PhaseState>, update: () => Promise<PhaseState>) {
  const calls = { query: 0, update: 0 };
  const handle = {
    workflowId: 'rollout-r1-phase-pilot',
    query: () => (calls.query++, query()),
    executeUpdate: () => (calls.update++, update()),
  } as unknown as WorkflowHandle;
  return { handle, calls };
}

function clientWith(rollout: Partial<EngineState>, phase: WorkflowHandle): Client {
  const state = { rolloutId: 'r1', status: 'RUNNING', ...rollout } as EngineState;
  return {
    workflow: {
      getHandle: (id: string) => (id === 'rollout-r1' ? { query: () => Promise.resolve(state) } : phase),
    },
  } as unknown as Client;
}

describe('engine actions', () => {
  test('an item the phase already shows done is refused from a query (CONFLICT), with no Update sent', async () => {
    const done = enterPhase(pilotPhase, 0);
    done.items[0].status = 'DONE';
    const { handle, calls } = phaseHandle(
      () => Promise.resolve(done),
      () => Promise.reject(new Error('must not be sent')),
    );
    await expect(
      refuseConflictEarly(handle, { type: 'complete', itemId: 'onboarded', actor: olga }),
    ).rejects.toMatchObject({ name: 'ActionRefusedError', code: 'CONFLICT' });
    expect(calls.update).toBe(0);
  });

  test('a query that fails decides nothing: the Update is sent and its validator answers', async () => {
    const answered = enterPhase(pilotPhase, 0);
    const { handle, calls } = phaseHandle(
      () => Promise.reject(new Error('query timed out: the worker is busy')),
      () => Promise.resolve(answered),
    );
    await expect(
      refuseConflictEarly(handle, { type: 'complete', itemId: 'onboarded', actor: olga }),
    ).resolves.toBeUndefined();
    const client = clientWith({ currentPhaseId: 'pilot' }, handle);
    await expect(
      sendItemAction(client, plan, 'r1', { type: 'complete', itemId: 'onboarded', actor: olga }),
    ).resolves.toBe(answered);
    expect(calls.update).toBe(1);
  });

  test('a phase the rollout names current is sent to once: a missing workflow is not waited for', async () => {
    const gone = new WorkflowNotFoundError('not found', 'rollout-r1-phase-pilot', undefined);
    const { handle, calls } = phaseHandle(
      () => Promise.resolve(enterPhase(pilotPhase, 0)),
      () => Promise.reject(gone),
    );
    const client = clientWith({ currentPhaseId: 'pilot' }, handle);
    await expect(
      sendItemAction(client, plan, 'r1', { type: 'complete', itemId: 'onboarded', actor: olga }),
    ).rejects.toBe(gone);
    expect(calls.update).toBe(1);
  });

  test('an item of a phase that is not current is refused before anything is sent to a phase', async () => {
    const { handle, calls } = phaseHandle(
      () => Promise.reject(new Error('must not be asked')),
      () => Promise.reject(new Error('must not be sent')),
    );
    const client = clientWith({ status: 'IN_REVIEW', currentPhaseId: undefined }, handle);
    const refused = await sendItemAction(client, plan, 'r1', {
      type: 'complete',
      itemId: 'onboarded',
      actor: olga,
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ActionRefusedError);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect(calls).toEqual({ query: 0, update: 0 });
  });
});
