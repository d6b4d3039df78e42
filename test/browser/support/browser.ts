import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { repoRoot } from '../../support/temporal-tools';

/**
 * The browser the suites drive: Debian's Chromium (playwright-core downloads no browser of its own here).
 * CHROMIUM_PATH overrides; .ci/run installs the `chromium` package when none is found.
 */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `No Chromium found (looked at ${candidates.join(', ')}): install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox; /dev/shm may be small.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** Where screenshots go (git-ignored): out/browser/. */
export const artefactsDir = join(repoRoot, 'out', 'browser');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artefactsDir, { recursive: true });
  const path = join(artefactsDir, `${name}.png`);
  // From the top: the console's fixed header would otherwise be drawn wherever the page was scrolled to.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** axe-core on the page as it is: the serious and critical violations, as readable lines (none expected). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A browser context signed in with `token` (the console keeps only the token, in session storage). */
export async function signedInContext(browser: Browser, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(
    `window.sessionStorage.setItem('rollout-console.token', ${JSON.stringify(token)});`,
  );
  return context;
}

/** Page errors and failed API calls, for a failing test to show. */
export function watchPage(page: Page, label: string): string[] {
  const seen: string[] = [];
  page.on('pageerror', (e) => seen.push(`${label} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`${label} console: ${m.text()}`);
  });
  return seen;
}
