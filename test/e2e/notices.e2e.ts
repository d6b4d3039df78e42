import { CloudEvent, HTTP } from 'cloudevents';
import { type GqlResponse, startStack, type Stack, type StackUser } from '../support/stack';
import { queryUntilAnswered } from '../support/temporal';
import { until, within } from '../support/wait';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver';

// Notices people can act on, end to end: the built API and worker, a real HTTP receiver for the webhooks.
// One rollout asks the tester (item.requested), the approver once the work is done (approval.requested), then the gate's signers
// (gate.ready); its worker is SIGKILLed while it waits for the sign-off and another started; the sign-off
// ends the phase and the review comes due (review.due). A second rollout's rollback fails at its deploy hook
// (rollback.failed). Every one arrives as a CloudEvent the SDK reads and validates; the phase's message goes
// to a channel configured `slack` as Slack's {text, blocks}; no event arrives twice (counted by id).

jest.setTimeout(300_000);

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const lena: StackUser = { id: 'lena', roles: ['legal'] };
const quinn: StackUser = { id: 'quinn', roles: ['qa'] };
const olga: StackUser = { id: 'olga', roles: ['operator'] };

const PREFIX = 'com.example.rollouts';
const CONSOLE = 'https://console.example.test';

const PLAN = {
  apiVersion: 'rollout/v1',
  kind: 'RolloutPlan',
  metadata: { name: 'noticed', title: 'Noticed launch' },
  phases: [
    {
      id: 'pilot',
      name: 'Pilot',
      communications: [{ channel: 'chat', audience: 'pilot merchants', message: 'The pilot starts today' }],
      checklist: [
        { id: 'legal-ok', title: 'Legal sign-off', kind: 'approval', roles: ['legal'] },
        { id: 'smoke', title: 'Smoke test', kind: 'manual', roles: ['qa'] },
      ],
    },
  ],
  reviews: [{ id: 'week-2', title: 'Week 2 review', after: 'PT1H' }],
  rollback: {
    levels: [
      {
        id: 'quick',
        title: 'Quick rollback',
        steps: [{ id: 'revert', title: 'Revert the deployment', action: { type: 'revert-deployment' } }],
      },
    ],
  },
};

const FIELDS = 'id status currentPhase';
const op = (name: string, input: string) =>
  `mutation M($input: ${input}!) { ${name}(input: $input) { ${FIELDS} } }`;

let stack: Stack;
let receiver: WebhookReceiver;
let planVersionId: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startStack('notices', {
    // No hook has a URL: the rollback's deploy step fails. `chat` is a Slack webhook; the rest CloudEvents.
    workerEnv: {
      NOTIFY_WEBHOOK_URL: `${receiver.url}/events`,
      NOTIFY_WEBHOOK_URLS: JSON.stringify({ chat: `${receiver.url}/slack` }),
      NOTIFY_FORMATS: JSON.stringify({ chat: 'slack' }),
      CONSOLE_URL: CONSOLE,
      EVENT_TYPE_PREFIX: PREFIX,
    },
  });
  planVersionId = await stack.importPlan({ yaml: JSON.stringify(PLAN) }, rita);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const explain = () =>
  `--- received ---\n${JSON.stringify(receiver.received.map((r) => [r.path, r.headers['ce-type']]))}\n` +
  `--- worker ---\n${stack.workerOutput().slice(-3000)}`;

async function act(what: string, r: Promise<GqlResponse<Record<string, unknown>>>): Promise<void> {
  const res = await within(60_000, what, r);
  if (res.errors?.length) throw new Error(`${what} refused: ${JSON.stringify(res.errors)}`);
}

const events = (): CloudEvent<Record<string, unknown>>[] =>
  receiver.received
    .filter((r) => r.path === '/events')
    .map((r) => {
      const e = HTTP.toEvent<Record<string, unknown>>({ headers: r.headers, body: r.body });
      if (!(e instanceof CloudEvent)) throw new Error('one event per request expected');
      return e as CloudEvent<Record<string, unknown>>;
    });

const eventOf = (type: string, subject: string) =>
  until(
    `${type} for ${subject}`,
    () =>
      Promise.resolve(events().find((e) => e.type === `${PREFIX}.rollout.${type}` && e.subject === subject)),
    { timeoutMs: 120_000, intervalMs: 250, explain },
  );

const status = async (id: string) =>
  (
    await stack.gql<{ rollout: { status: string } }>(`query R($id: ID!) { rollout(id: $id) { status } }`, {
      id,
    })
  ).data?.rollout.status;

/** A valid CloudEvent asking for item `itemId` of rollout `id`'s pilot phase, on the actions channel. */
function expectAsked(event: CloudEvent<Record<string, unknown>>, id: string, itemId: string, more: object) {
  expect(event.validate()).toBe(true);
  expect(event).toMatchObject({
    specversion: '1.0',
    id: `rollout-${id}/pilot/requested/${itemId}`,
    source: 'urn:rollout-engine',
    datacontenttype: 'application/json',
    data: expect.objectContaining({
      rolloutId: id,
      channel: 'actions',
      itemId,
      phaseId: 'pilot',
      link: `${CONSOLE}/rollouts/${id}`,
      ...more,
    }) as unknown,
  });
  expect(Date.parse(event.time!)).not.toBeNaN();
}

test('each notice arrives once as a CloudEvent, the phase message as Slack, across a worker restart', async () => {
  const id = 'noticed-1';
  await act(
    'start',
    stack.gql(
      op('startRollout', 'StartRolloutInput'),
      { input: { id, planVersionId, parameters: { timeScale: 0.001 } } },
      rita,
    ),
  );

  // The tester is asked as the phase begins; the approver only once the approval's work is done.
  expectAsked(await eventOf('item.requested', id), id, 'smoke', { audience: 'qa' });

  // The phase's own message, on the channel configured `slack`: Slack's shape, with the console link.
  const slack = await until(
    'the Slack message',
    () => Promise.resolve(receiver.received.find((r) => r.path === '/slack')),
    { timeoutMs: 60_000, explain },
  );
  expect(slack.headers['ce-id']).toBeUndefined();
  expect(slack.body).toMatchObject({
    text: `Phase entered: The pilot starts today <${CONSOLE}/rollouts/${id}|Open in console>`,
    blocks: expect.arrayContaining([
      { type: 'section', text: { type: 'mrkdwn', text: '*Phase entered*\nThe pilot starts today' } },
      expect.objectContaining({ type: 'actions' }),
    ]) as unknown,
  });

  // Not asked at the phase's start, with the tester: nothing to approve yet.
  expect(events().some((e) => e.type.endsWith('.approval.requested'))).toBe(false);
  const item0 = { rolloutId: id, phaseId: 'pilot' };
  // The approval's work is done by anyone (the tester here), then approved by its role.
  await act(
    'legal work',
    stack.gql(
      op('completeChecklistItem', 'CompleteChecklistItemInput'),
      { input: { ...item0, itemId: 'legal-ok' } },
      quinn,
    ),
  );
  expectAsked(await eventOf('approval.requested', id), id, 'legal-ok', {
    audience: 'legal',
    doneBy: 'quinn',
  });

  await act(
    'approve',
    stack.gql(
      op('approveChecklistItem', 'ChecklistItemActionInput'),
      { input: { ...item0, itemId: 'legal-ok' } },
      lena,
    ),
  );
  await act(
    'complete',
    stack.gql(
      op('completeChecklistItem', 'CompleteChecklistItemInput'),
      { input: { ...item0, itemId: 'smoke' } },
      quinn,
    ),
  );
  const gate = await eventOf('gate.ready', id);
  expect(gate.validate()).toBe(true);
  expect(gate.data).toMatchObject({ phaseId: 'pilot', link: `${CONSOLE}/rollouts/${id}` });
  expect(String(gate.data?.audience)).toContain('release-manager');

  // Mid-rollout, waiting for the sign-off: the worker dies; another takes over from the history.
  await stack.killWorker('SIGKILL');
  await stack.startWorker();
  // The new worker takes the rollout and its phase over once their tasks leave the dead worker's sticky queue.
  for (const [wf, query] of [
    [`rollout-${id}`, 'getRolloutState'],
    [`rollout-${id}-phase-pilot`, 'getPhaseState'],
  ])
    await queryUntilAnswered(stack.env.client, wf, query);
  await act('sign off', stack.gql(op('signOffGate', 'SignOffGateInput'), { input: item0 }, rita));
  const review = await eventOf('review.due', id);
  expect(review.data).toMatchObject({ reviewId: 'week-2', channel: 'reviews' });

  // The second rollout's rollback fails at the deploy hook (no URL): the escalation channel hears it.
  const id2 = 'noticed-2';
  await act(
    'start 2',
    stack.gql(
      op('startRollout', 'StartRolloutInput'),
      { input: { id: id2, planVersionId, parameters: { timeScale: 0.001 } } },
      rita,
    ),
  );
  await eventOf('item.requested', id2);
  await act(
    'rollback',
    stack.gql(
      op('triggerRollback', 'TriggerRollbackInput'),
      { input: { rolloutId: id2, reason: 'e2e' } },
      olga,
    ),
  );
  const failed = await eventOf('rollback.failed', id2);
  expect(failed.validate()).toBe(true);
  expect(failed.data).toMatchObject({ stepId: 'revert', channel: 'escalation' });
  await until('ROLLBACK_FAILED', async () => (await status(id2)) === 'ROLLBACK_FAILED', {
    timeoutMs: 60_000,
    explain,
  });

  // Across the restart (the new worker replayed the first rollout's history and went on), nothing arrived
  // twice: every delivery's id is unique.
  const ids = receiver.received.map((r: ReceivedRequest) =>
    String(r.headers['ce-id'] ?? r.headers['idempotency-key']),
  );
  expect(ids.length).toBeGreaterThanOrEqual(7);
  expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
  const types = new Set(events().map((e) => e.type.slice(`${PREFIX}.rollout.`.length)));
  for (const t of ['approval.requested', 'item.requested', 'gate.ready', 'review.due', 'rollback.failed'])
    expect(types).toContain(t);
});
