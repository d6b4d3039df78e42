// `npm test`: installs what is missing (npm packages, Temporal binaries), type-checks, lints, builds, then
// runs every Jest suite: unit specs, integration specs (PostgreSQL, child processes), workflow suites on the
// time-skipping server, end-to-end suites against a dev server, the console's component tests (jsdom) and its
// browser suites (Debian's Chromium through playwright-core, against the real stack). Each suite starts its own Temporal server on a free port and stops it.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { buildWeb } from './lib/web.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { fail, say } from './lib/log.mjs';
import { root } from './lib/paths.mjs';
import { ensureTemporalTools } from './temporal-tools.mjs';
import { format } from './format.mjs';

function run(what, args, env = {}) {
  say(what);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return r.status ?? 1;
}

function main() {
  ensureDeps();
  const tools = ensureTemporalTools();
  say(`Temporal CLI: ${tools.cli}`);
  say(`Temporal time-skipping test server: ${tools.testServer}`);

  if (
    run('type-checking (tsc --noEmit)…', [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.json',
      '--noEmit',
    ]) !== 0
  )
    return 1;
  if (
    run('type-checking the console (tsc -p apps/web)…', [
      'node_modules/typescript/bin/tsc',
      '-p',
      'apps/web/tsconfig.json',
      '--noEmit',
    ]) !== 0
  )
    return 1;
  if (run('linting (eslint)…', ['node_modules/eslint/bin/eslint.js', '.']) !== 0) return 1;
  say('checking formatting (prettier, the files git tracks)…');
  if (format('--check', ['--log-level', 'warn']) !== 0) return 1;
  build();
  buildWeb();

  const out = mkdtempSync(join(tmpdir(), 'jest-results-'));
  const resultsFile = join(out, 'results.json');
  const status = run(
    'running the test suites (unit, integration, workflow, e2e, web components, browser)…',
    [
      'node_modules/jest/bin/jest.js',
      '--ci',
      '--maxWorkers=2',
      '--json',
      `--outputFile=${resultsFile}`,
      ...process.argv.slice(2),
    ],
    { TEMPORAL_CLI_PATH: tools.cli, TEMPORAL_TEST_SERVER_PATH: tools.testServer, ROLLOUT_BUILT: '1' },
  );
  try {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    // The plain closing line CI reads.
    process.stdout.write(
      `\njest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`,
    );
    if (r.numTotalTests === 0) {
      fail('no test ran');
      return 1;
    }
  } catch {
    fail('Jest wrote no results');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return status;
}

try {
  process.exit(main());
} catch (err) {
  fail(err.message);
  process.exit(1);
}
