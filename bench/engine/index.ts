import { DefaultLogger, Runtime, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import { workflowsPath } from '../../apps/worker/src/rollout-worker';
import { onDevServer, type BreachRun, type LatencyFigures } from './dev-server';
import { month3Run, type Month3Figures } from './month3';
import { ascending, median, merchantPlan, ms, percentile, progress, startFakeAdapters } from './support';

/**
 * The engine's figures, side by side in one run (see bench/README.md):
 *  1. on a Temporal dev server: checklist Update latency through the phase workflow against an empty
 *     workflow's Update (the floor), and the time from a breaching sample to the last compensation done;
 *  2. on the time-skipping server: the seed run to its month-3 review with a 1-minute guardrail cadence,
 *     and the largest history any of its runs reached (it must stay under 10,000 events).
 *
 * Options: --quick (fewer samples and breach runs; the month-3 run with a 10-minute cadence),
 * --only=latency,breach,history (a subset). Environment: SAMPLES, BREACH_RUNS, CADENCE_MS.
 */
const HISTORY_LIMIT = 10_000;
/** Width of the figures tables' first column. */
const LABEL = 47;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (part: 'latency' | 'breach' | 'history') => !only || only.includes(part);
const SAMPLES = Number(process.env.SAMPLES ?? (quick ? 200 : 300));
const WARMUP = 10;
const ITEMS = 100;
const BREACH_RUNS = Number(process.env.BREACH_RUNS ?? (quick ? 3 : 5));
const CADENCE_MS = Number(process.env.CADENCE_MS ?? (quick ? 600_000 : 60_000));

/**
 * Warnings and errors (the SDK core's too, forwarded) on one line each, to stderr; the breaches this
 * benchmark causes on purpose, and the test server's missing heartbeat capability, are not news.
 */
const quietLogger = new DefaultLogger('WARN', ({ level, message, meta }) => {
  if (message === 'Guardrail breached' || message.includes('activity_failure_include_heartbeat')) return;
  const where = [meta?.workflowId, meta?.activityType].find((v) => typeof v === 'string');
  const error: unknown = meta?.error;
  progress(
    `${level} ${message}${where ? ` (${where})` : ''}${error instanceof Error ? `: ${error.message}` : ''}`,
  );
});

async function main(): Promise<number> {
  const started = Date.now();
  Runtime.install({
    logger: quietLogger,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
    },
  });
  const seed = merchantPlan();
  const fake = await startFakeAdapters();
  try {
    progress('bundling the workflows');
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    const dev =
      wanted('latency') || wanted('breach')
        ? await onDevServer(bundle, fake, seed, {
            samples: SAMPLES,
            warmup: WARMUP,
            items: ITEMS,
            breachRuns: wanted('breach') ? BREACH_RUNS : 0,
            latency: wanted('latency'),
          })
        : undefined;
    const month3 = wanted('history') ? await month3Run(bundle, fake, seed, CADENCE_MS) : undefined;

    console.log(`\nEngine benchmark — seed merchant-platform (examples/merchant-platform.plan.yaml)`);
    if (dev?.latency) printLatency(dev.latency);
    if (dev?.breach.length) printBreach(dev.breach);
    const ok = month3 ? printMonth3(month3) : true;
    console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return ok ? 0 : 1;
  } finally {
    await fake.close();
  }
}

function printLatency(f: LatencyFigures): void {
  const phase = ascending(f.phase);
  const floor = ascending(f.floor);
  const [pm, p99] = [percentile(phase, 50), percentile(phase, 99)];
  const [fm, f99] = [percentile(floor, 50), percentile(floor, 99)];
  console.log(
    `\nDev server, in-process worker — Update latency, A/B alternated, ${f.phase.length} samples each`,
  );
  const row = (what: string, m: number, p: number, extra: string) =>
    console.log(`  ${what.padEnd(LABEL)} median ${ms(m).padStart(9)}   p99 ${ms(p).padStart(9)}   ${extra}`);
  row(`checklistItemAction on the phase (${f.items} items)`, pm, p99, `history ${f.phaseEvents} events`);
  row('floorPing on an empty workflow (floor)', fm, f99, `history ${f.floorEvents} events`);
  console.log(
    `  ${'ratio phase / floor'.padEnd(LABEL)} median ${`${(pm / fm).toFixed(2)}×`.padStart(9)}   p99 ${`${(p99 / f99).toFixed(2)}×`.padStart(9)}`,
  );
}

function printBreach(runs: BreachRun[]): void {
  const fig = (pick: (r: BreachRun) => number) => {
    const values = runs.map(pick);
    return `median ${ms(median(values)).padStart(9)}   (${values.map((v) => v.toFixed(0)).join(', ')})`;
  };
  const { compensations, steps } = runs[0];
  console.log(
    `\nDev server — breach to rollback, ${runs.length} runs (error-rate guardrail on each sample, breach in phase 3; ` +
      `${compensations} compensations, ${steps} rollback steps)`,
  );
  const row = (what: string, pick: (r: BreachRun) => number) =>
    console.log(`  ${what.padEnd(LABEL)} ${fig(pick)}`);
  row('sample signalled → breach recorded by rollout', (r) => r.breachAt - r.sentAt);
  row('sample signalled → rollback started', (r) => r.rollbackStartedAt - r.sentAt);
  row('sample signalled → last compensation done', (r) => r.lastCompensationAt - r.sentAt);
  row('sample received → last compensation done', (r) => r.lastCompensationAt - r.sampleAt);
  row('sample signalled → every rollback step done', (r) => r.rollbackFinishedAt - r.sentAt);
  row('sample signalled → ROLLED_BACK at the client', (r) => r.resultAt - r.sentAt);
}

function printMonth3(f: Month3Figures): boolean {
  const largest = f.runs.reduce((a, b) => (b.events > a.events ? b : a));
  const byWorkflow = new Map<string, number[]>();
  for (const r of f.runs) byWorkflow.set(r.workflowId, [...(byWorkflow.get(r.workflowId) ?? []), r.events]);
  console.log(
    `\nTime-skipping server — to the end of the month-3 review, guardrails read every ${f.cadenceMs / 60_000} min`,
  );
  console.log(
    `  simulated ${f.simulatedDays.toFixed(1)} days in ${(f.elapsedMs / 1000).toFixed(0)} s, ${f.metricQueries} metric queries`,
  );
  for (const [workflowId, lengths] of byWorkflow) {
    console.log(
      `  ${workflowId.padEnd(LABEL)} ${String(lengths.length).padStart(4)} run${lengths.length === 1 ? ' ' : 's'}   ` +
        `largest ${String(Math.max(...lengths)).padStart(5)} events   total ${lengths.reduce((a, b) => a + b, 0)}`,
    );
  }
  const ok = largest.events < HISTORY_LIMIT;
  console.log(
    `  largest history: ${largest.events} events (${largest.workflowId}, run ${largest.runId}) in ${f.runs.length} runs — ` +
      `${ok ? 'under' : 'NOT under'} ${HISTORY_LIMIT.toLocaleString('en')}`,
  );
  return ok;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
