// Builds the console (apps/web) into dist/web with Vite when its sources (or the lock file) are newer than
// the last build: `npm start`, `npm test` and the browser suites call it; a no-op when nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.mjs';
import { root } from './paths.mjs';

const webRoot = join(root, 'apps', 'web');
const marker = join(root, 'dist', 'web', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** True when dist/web is missing or older than apps/web or package-lock.json. */
export function webBuildIsStale() {
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  return Math.max(newest(webRoot), statSync(join(root, 'package-lock.json')).mtimeMs) > built;
}

/** `vite build` of the console and the GraphQL IDE, when stale (or always with `force`). */
export function buildWeb({ force = false } = {}) {
  if (!force && !webBuildIsStale()) return;
  say('building the console (vite build)…');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--mode',
      'production',
      '--config',
      join(webRoot, 'vite.config.mts'),
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      // A production build whoever calls it (Jest sets NODE_ENV=test, which would give React's development JSX).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (r.status !== 0) throw new Error('the console build (vite build) failed');
}
