// `node scripts/format.mjs --check|--write`: Prettier over the files git tracks (what a fresh clone has), so
// what the README's commands write (plans, evidence, reports) or any other untracked file never fails the
// check. Outside a git checkout (an unpacked archive) it falls back to Prettier's own walk of the folder;
// .prettierignore applies either way, and files Prettier has no parser for are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib/paths.mjs';

/** The tracked files that exist in the working tree, or undefined when this is not a git checkout. */
export function trackedFiles() {
  const r = spawnSync('git', ['ls-files', '-z', '--cached'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || r.error) return undefined;
  return r.stdout.split('\0').filter((f) => f && existsSync(join(root, f)));
}

/** Runs Prettier with `mode` (`--check` or `--write`) over the tracked files; answers its exit status. */
export function format(mode, extra = []) {
  const prettier = join(root, 'node_modules/prettier/bin/prettier.cjs');
  const files = trackedFiles();
  const run = (paths) =>
    spawnSync(process.execPath, [prettier, mode, '--ignore-unknown', ...extra, ...paths], {
      cwd: root,
      stdio: 'inherit',
    }).status ?? 1;
  if (!files) return run(['.']);
  // A bounded command line per call, however many files there are.
  let status = 0;
  for (let i = 0; i < files.length; i += 1000) status = run(files.slice(i, i + 1000)) || status;
  return status;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const [mode = '--check', ...extra] = process.argv.slice(2);
  if (mode !== '--check' && mode !== '--write') {
    process.stderr.write('usage: node scripts/format.mjs --check|--write [prettier options]\n');
    process.exit(2);
  }
  process.exit(format(mode, extra));
}
