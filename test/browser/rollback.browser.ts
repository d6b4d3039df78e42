import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Browser, Page } from 'playwright-core';
import { rolloutWorkflowId } from '../../workflows/engine/messages';
import { startStack, type Stack, type StackUser } from '../support/stack';
import { temporalCli, type TemporalCli } from '../support/temporal-cli';
import { until, within } from '../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { launchChromium, screenshot, seriousViolations, signedInContext, watchPage } from './support/browser';

// A rollback that needs people, done in the console (Debian's Chromium, the real stack): the plan's rollback
// level calls two webhooks (a real receiver answering 500) and then waits for a manual step. The first hook
// fails: the console shows ROLLBACK_FAILED with the step and why; the hook recovers and "Retry" runs it again.
// The second hook keeps failing: it is resolved by hand with a note and evidence. The manual step waits for a
// person: "Confirm done". The rollout ends ROLLED_BACK — and the console, the API and Temporal (describe and
// the workflow's result) say the same at ROLLBACK_FAILED and at the end ("one truth everywhere").

jest.setTimeout(300_000);

const rita: StackUser = { id: 'rita', roles: ['release-manager'] };
const ROLLOUT = 'console-rollback-1';
const TITLE = 'Checkout v2, rolled back in the console';

let stack: Stack;
let browser: Browser;
let receiver: WebhookReceiver;
let cli: TemporalCli;
/** Whether the purge hook answers 500 (until it "recovers"); the drain hook always does. */
let purgeFails = true;
const problems: string[] = [];

const plan = (hooks: string) => ({
  apiVersion: 'rollout/v1',
  kind: 'RolloutPlan',
  metadata: { name: 'console-rollback', title: 'Console rollback' },
  phases: [{ id: 'only', name: 'Only phase' }],
  rollback: {
    levels: [
      {
        id: 'full',
        title: 'Full rollback',
        steps: [
          { id: 'purge-cdn', title: 'Purge the CDN', action: { type: 'webhook', url: `${hooks}/purge` } },
          {
            id: 'drain-queue',
            title: 'Drain the order queue',
            action: { type: 'webhook', url: `${hooks}/drain` },
          },
          { id: 'check-dns', title: 'Check DNS points at the old site', action: { type: 'manual' } },
        ],
      },
    ],
  },
});

beforeAll(async () => {
  receiver = await startWebhookReceiver({
    route: (_req, url) =>
      url.pathname === '/drain' || (url.pathname === '/purge' && purgeFails)
        ? { status: 500, body: 'queue backend down' }
        : undefined,
  });
  [stack, browser] = await Promise.all([startStack('browser-rollback'), launchChromium()]);
  cli = temporalCli(stack.env.address);
  const planVersionId = await stack.importPlan({ yaml: JSON.stringify(plan(receiver.url)) }, rita);
  const started = await stack.gql(
    'mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id } }',
    { input: { planVersionId, id: ROLLOUT, title: TITLE } },
    rita,
  );
  expect(started.errors).toBeUndefined();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
});

afterEach(() => {
  if (problems.length) console.log(problems.join('\n'));
  problems.length = 0;
});

const explain = () =>
  `--- worker ---\n${stack.workerOutput().slice(-3000)}\n--- api ---\n${stack.apiOutput().slice(-2000)}`;

interface Step {
  id: string;
  status: string;
  error?: string | null;
}

/** What the API says: the rollout's status and steps, and its status in the fleet list. */
async function apiView(): Promise<{ status: string; listed?: string; steps: Step[] }> {
  const r = await stack.gql<{
    rollout: { status: string; rollback?: { steps: Step[] } | null };
    rollouts: { edges: { node: { id: string; status: string } }[] };
  }>(
    `query R($id: ID!) {
      rollout(id: $id) { status rollback { steps { id status error } } }
      rollouts(filter: { plan: "console-rollback" }, first: 10) { edges { node { id status } } }
    }`,
    { id: ROLLOUT },
    rita,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return {
    status: r.data!.rollout.status,
    listed: r.data!.rollouts.edges.find((e) => e.node.id === ROLLOUT)?.node.status,
    steps: r.data!.rollout.rollback?.steps ?? [],
  };
}

/** Waits until the API's rollout and list both stand at `status` with the step statuses given. */
const apiReaches = (status: string, steps: [string, string][]) =>
  until(
    `${ROLLOUT} ${status} ${JSON.stringify(steps)}`,
    async () => {
      const view = await apiView();
      const same =
        view.status === status &&
        view.listed === status &&
        JSON.stringify(view.steps.map((s) => [s.id, s.status])) === JSON.stringify(steps);
      return same ? view : undefined;
    },
    { timeoutMs: 150_000, intervalMs: 500, explain },
  );

const hits = (path: string) => receiver.received.filter((r) => r.path === path).length;
const stepItem = (page: Page, title: string) =>
  page.getByRole('list', { name: 'Rollback steps' }).getByRole('listitem').filter({ hasText: title });
const consoleStatus = (page: Page) => page.getByTestId('rollout-status');

async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect({ page: what, violations }).toEqual({ page: what, violations: [] });
}

test('a failed rollback step is retried and another resolved by hand in the console, a manual step confirmed; console, API and Temporal agree at ROLLBACK_FAILED and ROLLED_BACK', async () => {
  const context = await signedInContext(browser, await stack.token(rita.id, rita.roles));
  const page = await context.newPage();
  problems.push(...watchPage(page, 'rita'));
  await page.goto(`${stack.apiUrl}/rollouts/${ROLLOUT}`);
  await page.getByRole('heading', { name: TITLE }).waitFor();

  // Roll back through the dialog; the first hook answers 500 until its retries are spent.
  const panel = page.getByRole('region', { name: 'Rollback' });
  await panel.getByRole('button', { name: 'Roll back' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll back this rollout?' });
  await dialog.getByLabel('Reason').fill('Checkout errors after the switch');
  await dialog.getByRole('button', { name: 'Confirm rollback' }).click();
  await dialog.waitFor({ state: 'detached' });

  // ROLLBACK_FAILED, with the failed step and why, in the console …
  const purge = stepItem(page, 'Purge the CDN');
  await consoleStatus(page)
    .filter({ hasText: /^rollback failed$/ })
    .waitFor({ timeout: 150_000 });
  await purge.getByText('failed', { exact: true }).waitFor({ timeout: 60_000 });
  await purge.getByText(/answered HTTP 500/).waitFor();
  await stepItem(page, 'Drain the order queue').getByText('pending', { exact: true }).waitFor();
  await panel
    .getByText(/Checkout errors after the switch \(requested by rita .*, stopped at a failed step /)
    .waitFor();
  // … and the same in the API (rollout and list) and in Temporal: still running, its search attribute says so.
  const failed = await apiReaches('ROLLBACK_FAILED', [
    ['purge-cdn', 'FAILED'],
    ['drain-queue', 'PENDING'],
    ['check-dns', 'PENDING'],
  ]);
  expect(failed.steps[0].error).toMatch(/answered HTTP 500: queue backend down/);
  const running = await cli.describe(rolloutWorkflowId(ROLLOUT));
  expect([running.status, running.searchAttributes.RolloutStatus]).toEqual(['Running', 'ROLLBACK_FAILED']);
  await expect(consoleStatus(page).textContent()).resolves.toBe('rollback failed');
  await expectAccessible(page, 'rollout, rollback failed');
  await screenshot(page, '10-rollback-failed');

  // The hook is back: Retry runs the step again, it is done, and the rollback goes on to the next hook.
  purgeFails = false;
  const purgeCalls = hits('/purge');
  await purge.getByRole('button', { name: 'Retry step Purge the CDN' }).click();
  const drain = stepItem(page, 'Drain the order queue');
  await purge.getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
  await purge.getByText(/^failed before: .*answered HTTP 500/).waitFor();
  expect(hits('/purge')).toBeGreaterThan(purgeCalls);
  await drain.getByText('failed', { exact: true }).waitFor({ timeout: 150_000 });
  await apiReaches('ROLLBACK_FAILED', [
    ['purge-cdn', 'DONE'],
    ['drain-queue', 'FAILED'],
    ['check-dns', 'PENDING'],
  ]);

  // The drain hook stays down: a person drained the queue by hand, and says so with evidence.
  await drain.getByRole('button', { name: 'Resolve step Drain the order queue by hand' }).click();
  const form = drain.getByRole('form', { name: 'Resolve Drain the order queue' });
  await form.getByLabel(/What was done by hand/).fill('Drained with the queue CLI');
  await form.getByLabel(/Evidence/).fill('https://tickets.example.test/OPS-42');
  await expectAccessible(page, 'rollout, resolving a failed step');
  await screenshot(page, '11-rollback-resolve');
  await form.getByRole('button', { name: 'Mark step resolved' }).click();
  await drain.getByText('resolved', { exact: true }).waitFor({ timeout: 60_000 });
  await drain
    .getByText(
      'done by hand by rita: Drained with the queue CLI (evidence: https://tickets.example.test/OPS-42)',
    )
    .waitFor();

  // The manual step waits for a person; the console offers its confirmation.
  const dns = stepItem(page, 'Check DNS points at the old site');
  const confirm = dns.getByRole('button', { name: 'Confirm done: Check DNS points at the old site' });
  await confirm.waitFor({ timeout: 60_000 });
  await apiReaches('ROLLING_BACK', [
    ['purge-cdn', 'DONE'],
    ['drain-queue', 'RESOLVED'],
    ['check-dns', 'RUNNING'],
  ]);
  await expectAccessible(page, 'rollout, manual step waiting');
  await screenshot(page, '12-rollback-manual-step');
  await confirm.click();

  // ROLLED_BACK in the console, the API (rollout and list), and Temporal: closed Failed, typed ROLLED_BACK.
  await consoleStatus(page)
    .filter({ hasText: /^rolled back$/ })
    .waitFor({ timeout: 60_000 });
  await dns.getByText('done', { exact: true }).waitFor();
  await apiReaches('ROLLED_BACK', [
    ['purge-cdn', 'DONE'],
    ['drain-queue', 'RESOLVED'],
    ['check-dns', 'DONE'],
  ]);
  const result = await within(
    60_000,
    'workflow result',
    stack.env.client.workflow
      .getHandle(rolloutWorkflowId(ROLLOUT))
      .result()
      .then(
        () => undefined,
        (e: unknown) => e,
      ),
  );
  expect(result).toBeInstanceOf(WorkflowFailedError);
  const cause = (result as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('ROLLED_BACK');
  const closed = await cli.describe(rolloutWorkflowId(ROLLOUT));
  expect([closed.status, closed.searchAttributes.RolloutStatus]).toEqual(['Failed', 'ROLLED_BACK']);
  await expect(consoleStatus(page).textContent()).resolves.toBe('rolled back');
  await expectAccessible(page, 'rollout, rolled back');
  await screenshot(page, '13-rolled-back');

  // The fleet page says the same.
  await page.getByRole('link', { name: 'Rollouts', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: ROLLOUT });
  await row.getByText('rolled back', { exact: true }).waitFor();
  await context.close();
});
