import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository: the nearest folder above this file with the project's package.json (from test/ or dist/test/). */
export const repoRoot = ((): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts/temporal-tools.mjs')))
      return dir;
    if (dirname(dir) === dir) return join(__dirname, '../..');
  }
})();

let cached: { cli: string; testServer: string } | undefined;

/**
 * Paths of the pinned Temporal binaries. `npm test` passes them in; a direct `npx jest` asks the
 * project's install script (idempotent, fast when they are already there).
 */
export function temporalTools(): { cli: string; testServer: string } {
  const { TEMPORAL_CLI_PATH: cli, TEMPORAL_TEST_SERVER_PATH: testServer } = process.env;
  if (cli && testServer) return { cli, testServer };
  cached ??= JSON.parse(
    execFileSync(process.execPath, [join(repoRoot, 'scripts/temporal-tools.mjs'), '--json'], {
      encoding: 'utf8',
    }),
  ) as { cli: string; testServer: string };
  return cached;
}
