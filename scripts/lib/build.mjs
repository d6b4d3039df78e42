import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.mjs';
import { root } from './paths.mjs';

/** Compiles the apps into dist/ (incremental: a no-op build is quick). */
export function build() {
  say('compiling TypeScript…');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('TypeScript compilation failed');
  // tsc leaves its build info untouched when nothing changed; touching it marks dist fresh (freshness.mjs).
  const info = join(root, 'dist', '.tsbuildinfo');
  const now = new Date();
  if (existsSync(info)) utimesSync(info, now, now);
}
