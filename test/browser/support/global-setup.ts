import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/temporal-tools';

/**
 * Once per run: the console (dist/web) built with Vite when its sources changed (scripts/lib/web.mjs), and the
 * API built when the run was not started by `npm test` (which built both already).
 */
export default function globalSetup(): void {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { buildWeb } from ${JSON.stringify(join(repoRoot, 'scripts/lib/web.mjs'))}; buildWeb();`,
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('the console build failed');
}
