import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/temporal-tools';

// The API and the worker refuse to start with a bad metric catalogue: exit 1 before serving anything,
// with the file, the entry and the problem in what they print. No Temporal server is needed: they must
// stop while reading their configuration.

jest.setTimeout(180_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'catalogue-e2e-'));
  if (process.env.ROLLOUT_BUILT === '1') return;
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built app until it exits (generous deadline: the machine is shared); its code and output. */
function run(
  app: 'api' | 'worker',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [`dist/apps/${app}/src/main.js`], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dir,
      PORT: '0',
      // Nowhere to connect: a process that got past its configuration would hang or fail differently.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      // The worker logs JSON lines (quotes escaped), the API plain text: compared as plain text.
      resolve({ code, output: chunks.join('').replace(/\\"/g, '"') });
    }),
  );
}

const badCatalogue = () => {
  const path = join(dir, 'metrics.yaml');
  // error_rate has no unit; latency's plan override is empty.
  writeFileSync(
    path,
    [
      'metrics:',
      '  error_rate:',
      '    query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
      '  latency:',
      '    query: p99_seconds',
      '    unit: s',
      '    plans:',
      '      checkout: {}',
    ].join('\n'),
  );
  return path;
};

describe.each(['api', 'worker'] as const)('the %s with METRIC_CATALOGUE', (app) => {
  test('refuses to start with an invalid catalogue, naming the file, the entries and the problems', async () => {
    const path = badCatalogue();
    const { code, output } = await run(app, { METRIC_CATALOGUE: path });
    expect(code).toBe(1);
    expect(output).toContain(`Invalid metric catalogue ${path} (METRIC_CATALOGUE)`);
    expect(output).toContain('entry "error_rate": unit: Invalid input: expected string, received undefined');
    expect(output).toContain('entry "latency": plans.checkout: an override sets query, unit or both');
    expect(output).not.toMatch(/GraphQL ready|polling task queue/);
  });

  test('refuses a catalogue file that does not exist', async () => {
    const { code, output } = await run(app, { METRIC_CATALOGUE: join(dir, 'missing.yaml') });
    expect(code).toBe(1);
    expect(output).toContain(
      `Invalid metric catalogue ${join(dir, 'missing.yaml')} (METRIC_CATALOGUE): no such file`,
    );
  });
});
