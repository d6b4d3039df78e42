// `npm run bench:<name>`: compiles when needed, then runs bench/<name>/index.ts and prints its figures.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { buildIsStale } from './lib/freshness.mjs';
import { fail } from './lib/log.mjs';
import { root } from './lib/paths.mjs';

const name = process.argv[2];
const entry = join(root, 'dist/bench', name ?? '', 'index.js');
try {
  ensureDeps();
  if (buildIsStale()) build();
  if (!name || !existsSync(entry)) throw new Error(`no such benchmark: ${name ?? '(none given)'}`);
} catch (err) {
  fail(err.message);
  process.exit(1);
}
const r = spawnSync(process.execPath, [entry, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
