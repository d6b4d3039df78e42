// `npm run --silent cli -- …`: runs the compiled CLI, installing packages and compiling first when needed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { buildIsStale } from './lib/freshness.mjs';
import { fail } from './lib/log.mjs';
import { root } from './lib/paths.mjs';

try {
  ensureDeps();
  if (buildIsStale()) build();
} catch (err) {
  fail(err.message);
  process.exit(1);
}
const r = spawnSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
