import { DefaultLogger, Runtime, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import { workflowsPath } from '../../apps/worker/src/rollout-worker';
import { onDevServer, type BreachRun, type LatencyFigures } from './dev-server';
import { historyRun, type HistoryFigures } from './history';
import { ascending, median, merchantPlan, ms, percentile, progress, startFakeAdapters } from './support';

/**
 * The engine's figures, side by side in one run (see bench/README.md):
 *  1. on a Temporal dev server: checklist Update latency through the phase workflow against an empty
 *     workflow's Update (the floor), and the time from a breaching sample to the last compensation done;
 *  2. on a dev server too: the seed run to the end of its month-3 review, its time scaled (TIME_SCALE), with
 *     guardrails read every plan-minute from a Prometheus-compatible endpoint in this process; the events of
 *     every run it left (under 3,000 in all) and the queries the endpoint served against those its time implies.
 *
 * Options: --quick (fewer samples and breach runs; the month-3 run read every 10 plan-minutes),
 * --only=latency,breach,history (a subset). Environment: SAMPLES, BREACH_RUNS, CADENCE_MS (plan time),
 * TIME_SCALE (real ms per plan ms; default 1/60,000: a plan-minute lasts 1 ms).
 */
/** Events over every run of the rollout and its phases that the month-3 run must stay under. */
const EVENTS_LIMIT = 3_000;
/** No run of it may reach this many events (continue-as-new keeps runs far below). */
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
const TIME_SCALE = Number(process.env.TIME_SCALE ?? 1 / 60_000);

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
    const history = wanted('history')
      ? await historyRun(bundle, fake, seed, { timeScale: TIME_SCALE, planCadenceMs: CADENCE_MS })
      : undefined;

    console.log(`\nEngine benchmark — seed merchant-platform (examples/merchant-platform.plan.yaml)`);
    if (dev?.latency) printLatency(dev.latency);
    if (dev?.breach.length) printBreach(dev.breach);
    const ok = history ? printHistory(history) : true;
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

function printHistory(f: HistoryFigures): boolean {
  const largest = f.runs.reduce((a, b) => (b.events > a.events ? b : a));
  const total = f.runs.reduce((n, r) => n + r.events, 0);
  const byWorkflow = new Map<string, number[]>();
  for (const r of f.runs) byWorkflow.set(r.workflowId, [...(byWorkflow.get(r.workflowId) ?? []), r.events]);
  const planMinutes = f.planCadenceMs / 60_000;
  console.log(
    `\nDev server, plan time scaled by ${f.timeScale.toExponential(3)} (a plan-minute lasts ${(60_000 * f.timeScale).toFixed(2)} ms) — ` +
      `to the end of the month-3 review, guardrails read every ${planMinutes} plan-minute${planMinutes === 1 ? '' : 's'} ` +
      `(${f.cadenceMs.toFixed(2)} ms) from a Prometheus-compatible endpoint`,
  );
  console.log(`  ${f.planDays.toFixed(1)} plan days in ${(f.elapsedMs / 1000).toFixed(0)} s`);
  const live = f.phases.reduce((n, p) => n + p.liveMs, 0);
  console.log(
    `  phases live ${(live / f.timeScale / 86_400_000).toFixed(1)} plan days: ${f.impliedQueries} queries implied ` +
      `(a reading at entry and every cadence, ${f.metrics} metrics), ${f.queries} served by the endpoint ` +
      `(${((100 * f.queries) / f.impliedQueries).toFixed(1)} %) in ${f.requests} requests ` +
      `(${f.rangeRequests} range queries, for readings taken late)`,
  );
  for (const p of f.phases) {
    const implied = (Math.floor(p.liveMs / f.cadenceMs) + 1) * f.metrics;
    console.log(
      `  ${p.id.padEnd(24)} live ${(p.liveMs / 1000).toFixed(1)} s: ${p.readingsInside} of ${implied} readings taken ` +
        `inside it (${((100 * p.readingsInside) / implied).toFixed(1)} %), first ${p.firstReadingAfterMs} ms ` +
        `after entry, longest gap ${p.longestGapMs} ms (cadence ${f.cadenceMs} ms)`,
    );
  }
  for (const [workflowId, lengths] of byWorkflow) {
    console.log(
      `  ${workflowId.padEnd(LABEL)} ${String(lengths.length).padStart(4)} run${lengths.length === 1 ? ' ' : 's'}   ` +
        `largest ${String(Math.max(...lengths)).padStart(5)} events   total ${lengths.reduce((a, b) => a + b, 0)}`,
    );
  }
  const underTotal = total < EVENTS_LIMIT;
  const underRun = largest.events < HISTORY_LIMIT;
  // Every reading: the distinct reading times inside the live phases, not the queries served (a watcher
  // reads on until its cancellation reaches it, past its phase's end).
  const inside = f.phases.reduce((n, p) => n + p.readingsInside, 0);
  const allRead = inside >= f.impliedQueries;
  console.log(
    `  events over all ${f.runs.length} runs: ${total} — ${underTotal ? 'under' : 'NOT under'} ${EVENTS_LIMIT.toLocaleString('en')}; ` +
      `${(total / Math.max(1, f.queries / f.metrics)).toFixed(3)} events per reading`,
  );
  console.log(
    `  largest run: ${largest.events} events (${largest.workflowId}) — ${underRun ? 'under' : 'NOT under'} ${HISTORY_LIMIT.toLocaleString('en')}`,
  );
  console.log(
    `  every reading taken: ${allRead ? 'yes' : 'NO'} (${inside} of ${f.impliedQueries} readings inside the live phases, ` +
      `${((100 * inside) / f.impliedQueries).toFixed(1)} %; ${f.queries} served in all)`,
  );
  return underTotal && underRun && allRead;
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
