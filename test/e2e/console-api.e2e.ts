import { describeEachDatabase } from '../support/postgres';
import { IMPORT_PLAN } from '../support/rollout-operations';
import { type GqlResponse, startStack, type Stack, type StackUser } from '../support/stack';

// The API the console reads, against the built API and worker on a real Temporal dev server: what each
// person may do to an item, a gate and the rollout (asked of the engine's rules with them as the actor), what
// waits on them across live rollouts, and the list row's facts (who started it, its title, plan version,
// phase n of N, what it waits for).

jest.setTimeout(240_000);

const PLAN = [
  'apiVersion: rollout/v1',
  'kind: RolloutPlan',
  'metadata:',
  '  name: console-api',
  '  title: Console API plan',
  'phases:',
  '  - id: canary',
  '    name: Canary',
  '    checklist:',
  '      - { id: smoke, title: Smoke tests pass, kind: manual }',
  '      - { id: runbook, title: Runbook reviewed, kind: approval, roles: [approver] }',
  '  - id: ga',
  '    name: General availability',
  '    checklist:',
  '      - { id: announce, title: Announce it, kind: manual }',
  '',
].join('\n');

/** An operator who also holds the approver role: separation of duties is what stops her approving her work. */
const olga: StackUser = { id: 'olga', roles: ['operator', 'approver'] };
const anna: StackUser = { id: 'anna', roles: ['approver'] };
const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const vera: StackUser = { id: 'vera', roles: ['viewer'] };

const ROLLOUT = /* GraphQL */ `
  query R($id: ID!) {
    rollout(id: $id) {
      status
      currentPhase
      allowedActions
      phases {
        id
        checklist {
          id
          status
          allowedActions
          refusals {
            action
            code
            message
          }
        }
        gate {
          canSignOff
          signOffRefusal
          signers
          missing
        }
      }
    }
  }
`;

const WAITING = /* GraphQL */ `
  query W {
    waitingOnMe(first: 50) {
      totalCount
      scanned
      truncated
      entries {
        rolloutId
        rolloutTitle
        plan
        phaseId
        kind
        itemId
        actions
        since
      }
    }
  }
`;

const LIST = /* GraphQL */ `
  query L {
    rollouts(first: 10) {
      edges {
        node {
          id
          title
          planTitle
          planVersion
          planVersionId
          status
          currentPhase
          phaseIndex
          phaseCount
          waitingFor
          startedBy
        }
      }
    }
  }
`;

interface Item {
  id: string;
  status: string;
  allowedActions: string[];
  refusals: { action: string; code: string; message: string }[];
}
interface RolloutRead {
  status: string;
  currentPhase: string | null;
  allowedActions: string[];
  phases: {
    id: string;
    checklist: Item[];
    gate: { canSignOff: boolean; signOffRefusal: string | null; signers: string[]; missing: string[] } | null;
  }[];
}
interface Waiting {
  totalCount: number;
  scanned: number;
  truncated: boolean;
  entries: {
    rolloutId: string;
    rolloutTitle: string | null;
    plan: string;
    phaseId: string | null;
    kind: string;
    itemId: string | null;
    actions: string[];
    since: string | null;
  }[];
}
interface Row {
  id: string;
  title: string | null;
  planTitle: string | null;
  planVersion: number | null;
  planVersionId: string | null;
  status: string;
  currentPhase: string | null;
  phaseIndex: number | null;
  phaseCount: number | null;
  waitingFor: string | null;
  startedBy: string | null;
}

let stack: Stack;

function ok<T>(r: GqlResponse<T>): T {
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

const read = async (id: string, as: StackUser) =>
  ok(await stack.gql<{ rollout: RolloutRead }>(ROLLOUT, { id }, as)).rollout;
const waitingOn = async (as: StackUser) =>
  ok(await stack.gql<{ waitingOnMe: Waiting }>(WAITING, {}, as)).waitingOnMe;
const row = async (id: string) =>
  ok(await stack.gql<{ rollouts: { edges: { node: Row }[] } }>(LIST, {})).rollouts.edges.find(
    (e) => e.node.id === id,
  )?.node;
const itemOf = (r: RolloutRead, id: string) => r.phases.flatMap((p) => p.checklist).find((i) => i.id === id)!;

async function act(name: string, input: string, vars: Record<string, unknown>, as: StackUser) {
  ok(
    await stack.gql(
      `mutation M($input: ${input}!) { ${name}(input: $input) { status } }`,
      { input: vars },
      as,
    ),
  );
}

describeEachDatabase((database) => {
  beforeAll(async () => {
    stack = await startStack(`console-api-${database}`, { database });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test("each person's allowed actions, what waits on them, and the list row's facts", async () => {
    const imported = ok(
      await stack.gql<{ importPlan: { planVersion: { id: string } } }>(
        IMPORT_PLAN,
        { input: { yaml: PLAN } },
        rita,
      ),
    );
    const planVersionId = imported.importPlan.planVersion.id;
    const id = `console-${database}`;
    ok(
      await stack.gql(
        `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { currentPhase } }`,
        { input: { id, planVersionId, title: 'Console launch' } },
        rita,
      ),
    );

    // The list row: who started it, its own title (not the plan's), its plan version, phase 1 of 2.
    expect(await row(id)).toEqual({
      id,
      title: 'Console launch',
      planTitle: 'Console API plan',
      planVersion: 1,
      planVersionId,
      status: 'RUNNING',
      currentPhase: 'canary',
      phaseIndex: 1,
      phaseCount: 2,
      waitingFor: 'phase work',
      startedBy: 'rita',
    });

    // Anyone may do an approval item's work; the operator does it and may then not approve it.
    const before = await read(id, olga);
    expect(itemOf(before, 'runbook').allowedActions).toEqual(['COMPLETE']);
    expect(before.allowedActions).toEqual(['PAUSE', 'ROLL_BACK', 'ABORT']);
    expect((await read(id, vera)).allowedActions).toEqual([]);
    await act(
      'completeChecklistItem',
      'CompleteChecklistItemInput',
      { rolloutId: id, itemId: 'runbook' },
      olga,
    );
    const own = itemOf(await read(id, olga), 'runbook');
    expect(own.status).toBe('DONE');
    expect(own.allowedActions).not.toContain('APPROVE');
    expect(own.refusals.find((r) => r.action === 'APPROVE')).toMatchObject({ code: 'FORBIDDEN' });
    expect(own.refusals.find((r) => r.action === 'APPROVE')?.message).toMatch(/olga did the work/);
    // The approver may approve it, and it waits on them; the same item does not wait on the operator.
    expect(itemOf(await read(id, anna), 'runbook').allowedActions).toContain('APPROVE');
    const annaWaits = await waitingOn(anna);
    expect(annaWaits.entries).toContainEqual(
      expect.objectContaining({
        rolloutId: id,
        rolloutTitle: 'Console launch',
        plan: 'console-api',
        phaseId: 'canary',
        kind: 'APPROVAL',
        itemId: 'runbook',
        actions: expect.arrayContaining(['APPROVE']) as string[],
      }),
    );
    expect((await waitingOn(olga)).entries.filter((e) => e.itemId === 'runbook')).toEqual([]);
    // The gate is not ready: what is missing, in the engine's words; no gate waits on the release manager yet.
    const gate = (await read(id, rita)).phases.find((p) => p.id === 'canary')!.gate!;
    expect(gate.canSignOff).toBe(false);
    expect(gate.signers).toEqual(['admin', 'release-manager']);
    expect(gate.missing.join('; ')).toMatch(/smoke "Smoke tests pass"/);
    expect((await waitingOn(rita)).entries.filter((e) => e.kind === 'GATE')).toEqual([]);

    // Once only the sign-off is left, the gate waits on the release manager, and not on a viewer.
    await act(
      'completeChecklistItem',
      'CompleteChecklistItemInput',
      { rolloutId: id, itemId: 'smoke' },
      olga,
    );
    await act('approveChecklistItem', 'ChecklistItemActionInput', { rolloutId: id, itemId: 'runbook' }, anna);
    const ritaWaits = await waitingOn(rita);
    expect(ritaWaits.entries).toContainEqual(
      expect.objectContaining({ rolloutId: id, kind: 'GATE', phaseId: 'canary', actions: ['SIGN_OFF'] }),
    );
    expect(Date.parse(ritaWaits.entries.find((e) => e.kind === 'GATE')!.since!)).toBeGreaterThan(0);
    expect(ritaWaits.truncated).toBe(false);
    expect((await waitingOn(vera)).entries).toEqual([]);
    const ready = await read(id, rita);
    expect(ready.status).toBe('WAITING_FOR_SIGN_OFF');
    expect(ready.phases.find((p) => p.id === 'canary')!.gate).toMatchObject({
      canSignOff: true,
      missing: [],
    });
    expect((await read(id, olga)).phases.find((p) => p.id === 'canary')!.gate).toMatchObject({
      canSignOff: false,
      signOffRefusal: expect.stringMatching(/Only admin or release-manager may sign/) as string,
    });
    expect(await row(id)).toMatchObject({ status: 'WAITING_FOR_SIGN_OFF', waitingFor: 'sign-off' });

    // Signed: the next phase is 2 of 2, and the gate no longer waits on anyone.
    await act('signOffGate', 'SignOffGateInput', { rolloutId: id, phaseId: 'canary' }, rita);
    expect(await row(id)).toMatchObject({ currentPhase: 'ga', phaseIndex: 2, phaseCount: 2 });
    expect((await waitingOn(rita)).entries.filter((e) => e.kind === 'GATE')).toEqual([]);
    const ga = await read(id, olga);
    expect(itemOf(ga, 'runbook').allowedActions).toEqual([]);
    expect(itemOf(ga, 'announce').allowedActions).toEqual(['COMPLETE']);
  });

  test('waitingOnMe is priced as the rollout reads it makes, and pages', async () => {
    const costly = await stack.gql(
      `query { a: waitingOnMe(first: 100) { entries { rolloutId kind } } b: waitingOnMe(first: 100) { entries { rolloutId kind } } }`,
      {},
      rita,
    );
    expect(costly.errors?.[0]?.message).toMatch(/The query costs \d+; at most 5000/);
    const bad = await stack.gql(`query { waitingOnMe(first: 101) { totalCount } }`, {}, rita);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
