import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childPids, isAlive, repoRoot, stopProcess, temporalTools } from '../../test/support';
import { ascending, median } from '../engine/support';

/**
 * `npm run bench:simulate [-- RUNS]`: runs the built `simulate` RUNS times (default 30) on each example plan,
 * with its default scenario and with its breach scenario (examples/scenarios/<plan>.breach.yaml), one run at a
 * time, each as its own process as a user would. Prints per variant: runs, failures, hangs, median and max
 * wall time. A run over LIMIT_S (default 30) counts as slow; one still running after HANG_S (default 120) is
 * stopped (SIGTERM) and counts as a hang. After every run, no process it started may be left. Exits 1 if any
 * run failed, hung, was slow or left a process.
 */
const runs = Number(process.argv[2] ?? 30);
const LIMIT_MS = Number(process.env.LIMIT_S ?? 30) * 1000;
const HANG_MS = Number(process.env.HANG_S ?? 120) * 1000;
const cli = join(repoRoot, 'dist/apps/cli/src/main.js');

interface Outcome {
  ms: number;
  code: number | null;
  hung: boolean;
  leftovers: number[];
  stderr: string;
}

async function once(args: string[]): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(process.execPath, [cli, 'simulate', ...args, '--format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TEMPORAL_TEST_SERVER_PATH: temporalTools().testServer },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The processes it starts (its test server), as last seen while it ran.
  let family: number[] = [];
  const watch = setInterval(() => {
    if (child.exitCode === null && child.pid) family = [...new Set([...family, ...childPids(child.pid)])];
  }, 200);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    void stopProcess(child, { graceMs: 20_000 });
  }, HANG_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  clearInterval(watch);
  const ms = Date.now() - started;
  await new Promise((r) => setTimeout(r, 200));
  return { ms, code, hung, leftovers: family.filter(isAlive), stderr };
}

async function main(): Promise<number> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  const variants: [string, string[]][] = [];
  for (const plan of ['merchant-platform', 'admin-panel']) {
    const file = join(repoRoot, 'examples', `${plan}.md`);
    variants.push([`${plan}.md`, [file]]);
    const breach = join(repoRoot, 'examples/scenarios', `${plan}.breach.yaml`);
    if (existsSync(breach)) variants.push([`${plan}.md + breach`, [file, '--scenario', breach]]);
  }
  let bad = 0;
  process.stdout.write(
    `${'variant'.padEnd(30)} ${'runs'.padStart(5)} ${'failed'.padStart(7)} ${'hung'.padStart(5)} ${`>${LIMIT_MS / 1000}s`.padStart(5)} ${'left'.padStart(5)} ${'median'.padStart(8)} ${'max'.padStart(8)}\n`,
  );
  for (const [name, args] of variants) {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < runs; i++) {
      const o = await once(args);
      outcomes.push(o);
      if (o.code !== 0 || o.hung || o.leftovers.length || o.ms > LIMIT_MS)
        process.stderr.write(
          `[bench:simulate] ${name} run ${i + 1}: exit ${o.code}, ${o.ms} ms${o.hung ? ', HUNG' : ''}${o.leftovers.length ? `, left ${o.leftovers.join(' ')}` : ''}\n${o.stderr.slice(-1500)}\n`,
        );
      else process.stderr.write(`[bench:simulate] ${name} run ${i + 1}: ${o.ms} ms\n`);
    }
    const times = ascending(outcomes.map((o) => o.ms));
    const failed = outcomes.filter((o) => o.code !== 0 && !o.hung).length;
    const hung = outcomes.filter((o) => o.hung).length;
    const slow = outcomes.filter((o) => o.ms > LIMIT_MS).length;
    const left = outcomes.filter((o) => o.leftovers.length).length;
    bad += failed + hung + slow + left;
    process.stdout.write(
      `${name.padEnd(30)} ${String(runs).padStart(5)} ${String(failed).padStart(7)} ${String(hung).padStart(5)} ${String(slow).padStart(5)} ${String(left).padStart(5)} ${`${(median(times) / 1000).toFixed(1)} s`.padStart(8)} ${`${(times[times.length - 1] / 1000).toFixed(1)} s`.padStart(8)}\n`,
    );
  }
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[bench:simulate] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
