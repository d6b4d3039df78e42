import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '../..');

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
