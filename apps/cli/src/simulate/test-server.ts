import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file holding scripts/temporal-tools.mjs. */
function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts/temporal-tools.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error('cannot find scripts/temporal-tools.mjs above ' + from);
  }
}

/**
 * The pinned time-skipping test server, installed on first use by the project's own script (which reports
 * its progress on stderr). TEMPORAL_TEST_SERVER_PATH overrides it.
 */
export function testServerPath(): string {
  const given = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (given) return given;
  const out = execFileSync(process.execPath, [join(repoRoot(), 'scripts/temporal-tools.mjs'), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(out) as { testServer: string }).testServer;
}
