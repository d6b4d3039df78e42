import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { signToken } from '../../libs/auth/src';
import { rolloutSearchAttributeKeys } from '../../workflows/search-attributes';
import { startDevServer } from '../engine/dev-server';
import { ascending, freePort, median, ms, percentile, repoRoot } from '../engine/support';
import { stopProcess, until } from '../../test/support';

// `npm run bench:console`: the console's production bundle (what index.html loads, gzip) and the time to first
// render of a rollout page (navigation to its checklist on screen) in Debian's Chromium, against the real stack
// (a Temporal dev server, the built API and worker). Targets (issue 14): under 600 kB gzip, under 1 s.

const SAMPLES = Number(process.env.SAMPLES ?? 15);
const progress = (message: string): void => void process.stderr.write(`[bench:console] ${message}\n`);

function bundleSize(): { files: number; raw: number; gzip: number } {
  const web = join(repoRoot, 'dist/web');
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const assets = [...new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]))];
  let raw = 0;
  let gzip = 0;
  for (const asset of assets) {
    const bytes = readFileSync(join(web, asset));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: assets.length, raw, gzip };
}

function spawnApp(name: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(repoRoot, `dist/apps/${name}/src/main.js`)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_FORMAT: 'json', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function main(): Promise<number> {
  const web = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { buildWeb } from ${JSON.stringify(join(repoRoot, 'scripts/lib/web.mjs'))}; buildWeb();`,
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (web.status !== 0) throw new Error('the console build failed');
  const size = bundleSize();

  progress('starting a dev server, the API and a worker');
  const dev = await startDevServer(
    rolloutSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const secret = randomBytes(32).toString('base64url');
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const env = {
    TEMPORAL_ADDRESS: dev.connection.options.address,
    TEMPORAL_TASK_QUEUE: 'bench-console',
    DATA_DIR: dataDir,
    PORT: String(port),
    AUTH_JWT_SECRET: secret,
  };
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    api = spawnApp('api', env);
    await until('the API comes up', async () => (await fetch(`${apiUrl}/healthz`)).ok);
    worker = spawnApp('worker', env);
    const token = await signToken(secret, { user: 'rita', roles: ['release-manager'] }, { ttlSeconds: 3600 });
    const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const res = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data as T;
    };
    const markdown = readFileSync(join(repoRoot, 'examples/admin-panel.md'), 'utf8');
    await gql(`mutation I($input: PlanDocumentInput!) { importPlan(input: $input) { planVersion { id } } }`, {
      input: { markdown },
    });
    const { startRollout } = await gql<{ startRollout: { id: string } }>(
      `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
      { input: { planVersionId: 'admin-panel@1', title: 'bench' } },
    );

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addInitScript(
      `window.sessionStorage.setItem('rollout-console.token', ${JSON.stringify(token)});`,
    );
    const url = `${apiUrl}/rollouts/${startRollout.id}`;
    const times: number[] = [];
    for (let i = 0; i < SAMPLES + 2; i++) {
      // A fresh page each time (the HTTP cache stays warm, as for a person coming back); two warm-up runs.
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(url, { waitUntil: 'commit' });
      await page.getByRole('button', { name: 'Complete' }).first().waitFor({ timeout: 30_000 });
      if (i >= 2) times.push(Date.now() - t0);
      await page.close();
    }
    const sorted = ascending(times);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
    process.stdout.write(
      [
        'Console (apps/web, production build)',
        `  bundle loaded by index.html    ${size.files} files, ${kb(size.raw)} raw, ${kb(size.gzip)} gzip (target < 600 kB gzip)`,
        `  rollout page, first render     median ${ms(median(sorted))}, p90 ${ms(percentile(sorted, 90))}, max ${ms(sorted[sorted.length - 1])} over ${sorted.length} loads (target < 1 s)`,
        '',
      ].join('\n'),
    );
    return size.gzip < 600 * 1024 && median(sorted) < 1000 ? 0 : 1;
  } finally {
    await browser.close();
    if (worker) await stopProcess(worker);
    if (api) await stopProcess(api);
    await dev.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
