import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack';
import { repoRoot } from '../support/temporal-tools';
import { launchChromium, screenshot, seriousViolations, signedInContext, watchPage } from './support/browser';

// The release console in Debian's Chromium, against the real stack (Temporal dev server, built API and worker):
// a release manager signs in, imports the admin-panel seed by pasting its Markdown, reads the line report and
// starts a rollout; an operator in a second browser context completes an item, and the release manager's page
// shows it without a reload. axe-core finds no serious or critical violation on any page.

jest.setTimeout(300_000);

/** The admin-panel seed (shared/seeds beside the repository when there; the same document is in examples/). */
function adminPanelSeed(): string {
  const seeds = join(repoRoot, '..', 'shared', 'seeds');
  if (existsSync(seeds)) {
    for (const file of readdirSync(seeds).sort()) {
      const text = readFileSync(join(seeds, file), 'utf8');
      if (text.startsWith('# Rollout Plan – Admin Panel')) return text;
    }
  }
  return readFileSync(join(repoRoot, 'examples', 'admin-panel.md'), 'utf8');
}

let stack: Stack;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('browser'), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  // What the pages logged, when a test failed (Jest shows console output of the file).
  if (problems.length) console.log(problems.join('\n'));
  problems.length = 0;
});

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect({ page: what, violations: await seriousViolations(page) }).toEqual({ page: what, violations: [] });
}

const itemRow = (page: Page, title: string) => page.getByRole('row').filter({ hasText: title });

describe('the release console', () => {
  let rolloutUrl = '';

  it('a release manager signs in with a token, imports the admin-panel plan by pasting it, sees the line report and starts a rollout', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    problems.push(...watchPage(page, 'rita'));

    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to the rollout console' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshot(page, '01-sign-in');

    await page.getByLabel('Bearer token').fill(await stack.token('rita', ['release-manager']));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Rollouts' }).waitFor();
    await expect(page.getByTestId('user').textContent()).resolves.toBe('rita');
    await page.getByText('No rollouts yet').waitFor();
    await expectAccessible(page, 'fleet (empty)');

    await page.getByRole('link', { name: 'Import a plan' }).first().click();
    await page.getByLabel('Plan Markdown').fill(adminPanelSeed());
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').filter({ hasText: 'Valid: admin-panel in 3 phases' }).waitFor();
    const report = page.getByRole('region', { name: 'Line report' });
    await report.getByText(/\d+ lines mapped/).waitFor();
    // The checklist line of the first phase was mapped; the report lists it.
    const fixtures = report.getByRole('row').filter({ hasText: 'Fixtures loaded per' });
    await expect(fixtures.getAttribute('data-kind')).resolves.toBe('mapped');
    // ...with the fact it became; a line kept only as the phase's description is not understood.
    await fixtures.getByRole('listitem').filter({ hasText: 'phase 1 item manual' }).waitFor();
    const objectives = report.getByRole('row').filter({ hasText: 'Validate integrations, fixtures' });
    await expect(objectives.getAttribute('data-kind')).resolves.toBe('not understood');
    await objectives.getByText('kept as phases[0].description').waitFor();
    await expectAccessible(page, 'plan import (line report)');
    await screenshot(page, '02-plan-import');

    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByRole('heading', { name: 'Saved admin-panel@1' }).waitFor();
    await page.getByLabel('Rollout title').fill('Admin panel, browser suite');
    await page.getByRole('button', { name: 'Start rollout' }).click();

    await page.waitForURL(/\/rollouts\/[^/]+$/);
    rolloutUrl = page.url();
    await page.getByRole('heading', { name: 'Admin panel, browser suite' }).waitFor();
    const current = page.getByRole('navigation', { name: 'Phases' }).locator('[aria-current="step"]');
    await expect(current.textContent()).resolves.toContain('1. Staging');
    await itemRow(page, 'Fixtures loaded per').getByRole('button', { name: 'Complete' }).waitFor();
    await expectAccessible(page, 'rollout');
    await screenshot(page, '03-rollout');
    await context.close();
  });

  it('an operator completes an item in a second browser; the release manager sees it live, and a refused approval reads as a sentence', async () => {
    expect(rolloutUrl).not.toBe('');
    const rita = await signedInContext(browser, await stack.token('rita', ['release-manager']));
    const otto = await signedInContext(browser, await stack.token('otto', ['operator', 'ops']));
    const ritaPage = await rita.newPage();
    const ottoPage = await otto.newPage();
    problems.push(...watchPage(ritaPage, 'rita'), ...watchPage(ottoPage, 'otto'));

    await Promise.all([ritaPage.goto(rolloutUrl), ottoPage.goto(rolloutUrl)]);
    const ritaRow = itemRow(ritaPage, 'Fixtures loaded per');
    await ritaRow.getByRole('button', { name: 'Complete' }).waitFor();
    // The release manager's page is live (its decision log holds the start) before anyone acts.
    await ritaPage
      .getByRole('region', { name: 'Decision log' })
      .getByText('rollout.transition')
      .first()
      .waitFor();

    const ottoRow = itemRow(ottoPage, 'Fixtures loaded per');
    await ottoRow.getByRole('button', { name: 'Complete' }).click();
    const dialog = ottoPage.getByRole('dialog');
    await dialog.getByLabel('Evidence link').fill('https://ci.example.test/fixtures/1');
    await expectAccessible(ottoPage, 'complete dialog');
    await dialog.getByRole('button', { name: 'Complete item' }).click();
    await dialog.waitFor({ state: 'detached' });
    await ottoRow.getByText('done', { exact: true }).waitFor();

    // No reload: the subscription brings the change to the release manager's page.
    await ritaRow.getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
    await ritaRow.getByText(/done by otto/).waitFor();
    await ritaPage
      .getByRole('region', { name: 'Decision log' })
      .getByRole('row')
      .filter({ hasText: 'otto' })
      .first()
      .waitFor();
    await screenshot(ritaPage, '04-rollout-live-update');

    // An approval item: otto does the work, then may not approve it himself; the refusal is shown by the item.
    const runbooks = itemRow(ottoPage, 'Incident runbooks reviewed by Ops');
    await runbooks.getByRole('button', { name: 'Complete' }).click();
    await ottoPage.getByRole('dialog').getByRole('button', { name: 'Complete item' }).click();
    await ottoPage.getByRole('dialog').waitFor({ state: 'detached' });
    // The API's allowedActions leave Approve out for the one who did the work; the item says why.
    await runbooks.getByText('done', { exact: true }).waitFor();
    const refusal = runbooks.getByTestId('approval-refusal');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/^Approval not offered to you: .*otto/);
    await expect(runbooks.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expectAccessible(ottoPage, 'rollout with a refusal');
    await screenshot(ottoPage, '05-refused-approval');

    // The fleet lists the rollout with its phase n/N and what it waits for.
    await ritaPage.getByRole('link', { name: 'Rollouts', exact: true }).click();
    const rolloutId = decodeURIComponent(new URL(rolloutUrl).pathname.split('/').pop() ?? '');
    const row = ritaPage.getByRole('row').filter({ hasText: rolloutId });
    await row.getByText('staging (1/3)').waitFor();
    await row.getByText('the checklist of staging').waitFor();
    await expectAccessible(ritaPage, 'fleet');
    await screenshot(ritaPage, '06-fleet');
    await Promise.all([rita.close(), otto.close()]);
  });

  it("a holder of the plan's approver role approves in a third browser; the release manager sees it live and signs the gate", async () => {
    expect(rolloutUrl).not.toBe('');
    const rolloutId = decodeURIComponent(new URL(rolloutUrl).pathname.split('/').pop() ?? '');
    // The rest of the staging checklist is done through the API by the operator (the UI part is tested above).
    const read = await stack.gql<{
      rollout: {
        currentPhase: string;
        phases: { id: string; checklist: { id: string; status: string }[] }[];
      };
    }>('query($id: ID!) { rollout(id: $id) { currentPhase phases { id checklist { id status } } } }', {
      id: rolloutId,
    });
    const staging = read.data!.rollout.phases.find((p) => p.id === read.data!.rollout.currentPhase)!;
    for (const item of staging.checklist.filter((i) => i.status === 'OPEN')) {
      const done = await stack.gql<{ completeChecklistItem: { id: string } }>(
        'mutation($input: CompleteChecklistItemInput!) { completeChecklistItem(input: $input) { id } }',
        { input: { rolloutId, itemId: item.id, phaseId: staging.id } },
        { id: 'otto', roles: ['operator', 'ops'] },
      );
      expect(done.errors).toBeUndefined();
    }

    const rita = await signedInContext(browser, await stack.token('rita', ['release-manager']));
    const olga = await signedInContext(browser, await stack.token('olga', ['ops']));
    const ritaPage = await rita.newPage();
    const olgaPage = await olga.newPage();
    problems.push(...watchPage(ritaPage, 'rita'), ...watchPage(olgaPage, 'olga'));
    // The approver finds the approval on her "Waiting on me" page, and goes to the rollout from there.
    await Promise.all([ritaPage.goto(rolloutUrl), olgaPage.goto(`${stack.apiUrl}/waiting`)]);
    const waitingRow = olgaPage.getByRole('row').filter({ hasText: 'Incident runbooks reviewed by Ops' });
    await waitingRow
      .getByText('approval', { exact: true })
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\nThe page said: ${await olgaPage.locator('main').innerText()}`);
      });
    await expect(waitingRow.textContent()).resolves.toContain('approve');
    await expectAccessible(olgaPage, 'waiting on me');
    await screenshot(olgaPage, '05a-waiting-on-me');
    await waitingRow.getByRole('link', { name: 'Admin panel, browser suite' }).click();
    await olgaPage.waitForURL(rolloutUrl);
    const ritaRunbooks = itemRow(ritaPage, 'Incident runbooks reviewed by Ops');
    await ritaRunbooks.getByText('done', { exact: true }).waitFor();
    await ritaPage
      .getByRole('region', { name: 'Decision log' })
      .getByText('rollout.transition')
      .first()
      .waitFor();

    await itemRow(olgaPage, 'Incident runbooks reviewed by Ops')
      .getByRole('button', { name: 'Approve' })
      .click();
    await itemRow(olgaPage, 'Incident runbooks reviewed by Ops')
      .getByText('approved', { exact: true })
      .waitFor();
    await expectAccessible(olgaPage, 'rollout (approver)');

    // No reload on the release manager's page: the approval arrives through the subscription.
    await ritaRunbooks.getByText('approved', { exact: true }).waitFor({ timeout: 60_000 });
    await ritaRunbooks.getByText(/olga/).waitFor();
    await screenshot(ritaPage, '05b-approved-live');

    const gate = ritaPage.getByRole('region', { name: 'Gate' });
    await gate.getByRole('button', { name: 'Sign off phase' }).click();
    const dialog = ritaPage.getByRole('dialog');
    await dialog.getByLabel('Note').fill('Staging is good');
    await expectAccessible(ritaPage, 'sign-off dialog');
    await dialog.getByRole('button', { name: 'Sign off' }).click();
    await dialog.waitFor({ state: 'detached' });
    const current = ritaPage.getByRole('navigation', { name: 'Phases' }).locator('[aria-current="step"]');
    await current.filter({ hasText: '2. Pilot' }).waitFor({ timeout: 60_000 });
    await expectAccessible(ritaPage, 'rollout after sign-off');
    await screenshot(ritaPage, '05c-gate-signed');

    // The plans page: versions, canonical YAML, start form.
    await ritaPage.getByRole('link', { name: 'Plans', exact: true }).click();
    const plan = ritaPage.getByRole('region', { name: 'Plan admin-panel' });
    await plan.getByRole('button', { name: 'Show admin-panel@1' }).click();
    await plan
      .getByRole('region', { name: 'Version admin-panel@1' })
      .getByText(/phases:/)
      .waitFor();
    await plan.getByRole('button', { name: 'Start rollout of admin-panel@1' }).waitFor();
    await expectAccessible(ritaPage, 'plans');
    await screenshot(ritaPage, '06b-plans');
    await Promise.all([rita.close(), olga.close()]);
  });

  it('a release manager rolls the rollout back through its confirmation dialog, and its steps show', async () => {
    expect(rolloutUrl).not.toBe('');
    const context = await signedInContext(browser, await stack.token('rita', ['release-manager']));
    const page = await context.newPage();
    problems.push(...watchPage(page, 'rita'));
    await page.goto(rolloutUrl);
    const panel = page.getByRole('region', { name: 'Rollback' });
    await panel.getByText('Not rolled back.').waitFor();
    await panel.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this rollout?' });
    const confirm = dialog.getByRole('button', { name: 'Confirm rollback' });
    // No reason, no rollback.
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('Reason').fill('Smoke tests found a regression');
    await expectAccessible(page, 'rollback dialog');
    await screenshot(page, '07-rollback-dialog');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    const steps = panel.getByRole('list', { name: 'Rollback steps' });
    await steps.getByRole('listitem').first().waitFor({ timeout: 60_000 });
    await panel.getByText(/Smoke tests found a regression \(requested by rita/).waitFor();
    await expect(page.locator('h1 + div').textContent()).resolves.not.toMatch(/^running/i);
    await page
      .getByRole('region', { name: 'Decision log' })
      .getByText(/roll(?:ing|ed)?[ _.]?back/i)
      .first()
      .waitFor();
    // The messages the rollout sent or recorded: the panel shows what the API's Rollout.messages holds.
    const rolloutId = decodeURIComponent(new URL(rolloutUrl).pathname.split('/').pop() ?? '');
    const sent = await stack.gql<{ rollout: { messages: { message: string; status: string }[] } }>(
      'query($id: ID!) { rollout(id: $id) { messages { message status } } }',
      { id: rolloutId },
      { id: 'rita', roles: ['release-manager'] },
    );
    expect(sent.errors).toBeUndefined();
    const messages = page.getByRole('region', { name: 'Messages' });
    if (sent.data!.rollout.messages.length === 0)
      await messages.getByText('This rollout has sent no message.').waitFor();
    else await messages.getByText(sent.data!.rollout.messages[0].message).first().waitFor();
    await expectAccessible(page, 'rollout rolling back');
    await screenshot(page, '08-rollback-steps');
    await context.close();
  });

  it('serves an offline GraphQL IDE at /graphql that runs a query with nothing reachable but the API', async () => {
    const context = await signedInContext(browser, await stack.token('rita', ['release-manager']));
    const origin = new URL(stack.apiUrl).origin;
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      blocked.push(url.href);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    problems.push(...watchPage(page, 'ide'));
    await page.goto(`${stack.apiUrl}/graphql`);
    const run = page.getByRole('button', { name: /Execute query/ });
    // The editor (Monaco, from the API's own assets) has loaded the default query.
    await page.waitForFunction(
      `document.querySelector('.graphiql-query-editor')?.textContent.includes('rollouts(first')`,
      undefined,
      { timeout: 60_000 },
    );
    await screenshot(page, '09-graphql-ide');
    await run.click();
    await page.waitForFunction(
      `document.querySelector('.graphiql-response')?.textContent.includes('"totalCount"')`,
      undefined,
      { timeout: 60_000 },
    );
    await expect(page.locator('.graphiql-response').textContent()).resolves.toMatch(/"totalCount":\s*\d+/);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
