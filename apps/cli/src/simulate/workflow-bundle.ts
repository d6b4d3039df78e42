import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../../worker/src/rollout-worker';

/** Everything a workflow bundle can contain: the workflows and the pure libraries they import. */
function sourcesOf(root: string): string[] {
  return ['workflows', 'libs/plan/src'].flatMap((dir) => files(join(root, dir)));
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(js|ts)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/**
 * The workflow bundle, built once per version of the workflow code and reused: bundling takes seconds, a
 * simulation should not pay for it every time. Keyed by the sources' paths, sizes and modification times, the
 * workflow interceptor modules bundled with them (a traced worker's, see libs/tracing) as installed, and the
 * SDK's workflow package: an upgrade of either is a new bundle.
 */
export async function workflowBundle(workflowInterceptorModules: string[] = []): Promise<{ code: string }> {
  const root = join(dirname(workflowsPath), '..');
  const hash = createHash('sha256');
  for (const module of workflowInterceptorModules) hash.update(`interceptors\0${module}\n`);
  const installed = [
    require.resolve('@temporalio/workflow/package.json'),
    ...workflowInterceptorModules.map((m) => require.resolve(m)),
  ];
  for (const file of [...installed, ...sourcesOf(root).sort()]) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  const dir = join(tmpdir(), 'rollout-engine-workflow-bundles');
  const cached = join(dir, `${hash.digest('hex').slice(0, 24)}.js`);
  if (existsSync(cached)) return { code: readFileSync(cached, 'utf8') };
  const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quiet });
  mkdirSync(dir, { recursive: true });
  // Written aside, then renamed: a process reading the cache meanwhile sees no file or a whole one.
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, bundle.code);
  renameSync(partial, cached);
  return bundle;
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
