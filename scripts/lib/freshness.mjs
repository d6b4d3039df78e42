import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './paths.mjs';

const SOURCES = ['apps', 'libs', 'workflows', 'activities', 'bench'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/ is older than some source file (or missing). */
export function buildIsStale() {
  let built;
  try {
    built = statSync(join(root, 'dist', '.tsbuildinfo')).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    ...SOURCES.map((d) => newestMtime(join(root, d))),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
  );
  return sources > built;
}
