// Installs npm packages when node_modules is missing or older than the lock file, so that `npm start` and
// `npm test` work on a fresh clone with nothing but Node.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.mjs';
import { root } from './paths.mjs';

export function ensureDeps() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install` from the lock file rather than `npm ci`: npm leaves other platforms' optional packages
  // (swc and friends) out of the lock, which `npm ci` then refuses as out of sync. Versions stay as locked.
  say('installing npm packages (npm install from package-lock.json)…');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm install failed with exit code ${r.status}`);
}
