import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailReadingRecord } from '../libs/persistence/src/guardrail-readings';
import { errorRateGuardrail } from '../workflows/engine/engine.fixtures';
import type { WatcherReport } from '../workflows/engine/messages';
import type { WatcherState } from '../workflows/engine/watcher-step';
import { heartbeatEvery, runWatcher, type WatchMetricsInput, type WatcherDeps } from './metric-watcher';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0);

class Stop extends Error {}

/**
 * A fake clock and Prometheus: `values(minute)` is the ratio the query answers at that minute (undefined: no
 * series; 'fail': the query fails). The loop stops (as a cancelled activity does) once the clock passes `until`.
 */
function harness(values: (minute: number) => number | undefined | 'fail', until: number) {
  let now = T0;
  const reports: WatcherReport[] = [];
  const heartbeats: WatcherState[] = [];
  const escalations: string[] = [];
  const display: GuardrailReadingRecord[][] = [];
  const queries: number[] = [];
  const deps: WatcherDeps = {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return now > until ? Promise.reject(new Stop('cancelled')) : Promise.resolve();
    },
    heartbeat: (state) => heartbeats.push(structuredClone(state)),
    query: (_metric, at) => {
      queries.push(at);
      const v = values(Math.round((at - T0) / MIN));
      if (v === 'fail') return Promise.reject(new Error('connect ECONNREFUSED'));
      return Promise.resolve(
        v === undefined ? { value: null, cause: 'no-series' } : { value: v, unit: 'ratio' },
      );
    },
    report: (r) => {
      reports.push(r);
      return Promise.resolve(true);
    },
    escalate: (e) => {
      escalations.push(e.message);
      return Promise.resolve();
    },
    display: (records) => {
      display.push(records);
      return Promise.resolve();
    },
    warn: () => undefined,
  };
  return { deps, reports, heartbeats, escalations, display, queries, clock: () => now };
}

const guardrail: Guardrail = errorRateGuardrail({ action: { type: 'rollback', level: 'full' } }); // > 5% for 5 min
const input: WatchMetricsInput = {
  rolloutId: 'r-1',
  phaseId: 'pilot',
  plan: 'checkout',
  phaseWorkflowId: 'rollout-r-1-phase-pilot',
  where: 'Pilot (checkout, rollout r-1)',
  guardrails: [guardrail],
  cadenceMs: MIN,
  noDataEscalateAfter: 3,
  escalationChannel: 'escalation',
};

const run = (h: ReturnType<typeof harness>, resumed?: WatcherState) =>
  runWatcher(input, resumed, h.deps, heartbeatEvery(10_000)).catch((err: unknown) => {
    if (!(err instanceof Stop)) throw err;
  });

test('a ratio of 0.09 for the 5-minute window is reported once, as a breach with its readings', async () => {
  const h = harness((m) => (m < 2 ? 0.01 : 0.09), T0 + 12 * MIN);
  await run(h);
  // Read every cadence, no more: minute 0..12.
  expect(h.queries.map((at) => (at - T0) / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(h.reports).toHaveLength(1);
  const [breach] = h.reports[0].breaches;
  expect(breach).toMatchObject({ guardrailId: guardrail.id, value: 9 });
  expect(breach.reason).toContain('all above');
  // Breached at minute 7: readings from 12:02 to 12:07, every one 9 %.
  expect(breach.readings.map((r) => [(r.at - T0) / MIN, r.value])).toEqual(
    [2, 3, 4, 5, 6, 7].map((m) => [m, 9]),
  );
  // Display rows every round, with the latest standing.
  expect(h.display).toHaveLength(13);
  expect(h.display[12][0]).toMatchObject({ rolloutId: 'r-1', phaseId: 'pilot', outcome: 'breach', value: 9 });
  // Heartbeats while sleeping: at least every 10 s / 3 within each cadence.
  expect(h.heartbeats.length).toBeGreaterThanOrEqual((12 * MIN) / heartbeatEvery(10_000));
});

test('no data: the episode starts and ends once, and its one escalation is sent after N cadences', async () => {
  const h = harness((m) => (m >= 2 && m < 8 ? (m === 4 ? 'fail' : undefined) : 0.01), T0 + 12 * MIN);
  await run(h);
  const notices = h.reports.flatMap((r) =>
    r.noData.map((n) => [n.kind, (n.at ?? n.since) - T0, n.state.cause]),
  );
  expect(notices).toEqual([
    // The reading of minute 1 stands for two cadences: no data from minute 4 (its query failed).
    ['started', 4 * MIN, 'query-failed'],
    ['escalated', 4 * MIN, 'no-series'], // minute 7: three cadences without data (cause as of then)
    ['ended', 8 * MIN, 'no-series'],
  ]);
  expect(h.escalations).toHaveLength(1);
  expect(h.escalations[0]).toContain('No data for guardrail');
  expect(h.escalations[0]).toContain('Pilot (checkout, rollout r-1)');
  expect(h.display[4][0].noData).toMatchObject({ cause: 'query-failed' });
  expect(h.reports.every((r) => r.breaches.length === 0)).toBe(true);
});

test('a retried attempt resumes from its heartbeat: no repeated report, window and episodes kept', async () => {
  const values = (m: number) => (m < 3 ? 0.01 : m < 10 ? 0.09 : 0.09);
  // First attempt: minutes 0..5, then the worker dies (the loop stops).
  const first = harness(values, T0 + 5 * MIN + 30_000);
  await run(first);
  expect(first.reports).toHaveLength(0);
  const details = first.heartbeats[first.heartbeats.length - 1];
  expect(details.lastReadingAt).toBe(T0 + 5 * MIN);

  // The retry starts 40 s later, on the clock: it waits out the cadence, then reads minute 6 onwards.
  const second = harness(values, T0 + 12 * MIN);
  second.deps.sleep(5 * MIN + 40_000).catch(() => undefined);
  await run(second, structuredClone(details));
  expect(second.queries.map((at) => (at - T0) / MIN)[0]).toBe(6);
  // The window kept across the crash: 3..8 are all above at minute 8, as without a crash.
  expect(second.reports).toHaveLength(1);
  const [breach] = second.reports[0].breaches;
  expect(breach.readings.map((r) => (r.at - T0) / MIN)).toEqual([3, 4, 5, 6, 7, 8]);
});

test('the phase being gone ends the watcher', async () => {
  const h = harness(() => 0.09, T0 + 60 * MIN);
  h.deps.report = () => Promise.resolve(false);
  await run(h);
  expect(h.clock()).toBeLessThan(T0 + 10 * MIN);
});

test('every round is observed (for the worker metrics): one evaluation per guardrail, no-data starts once', async () => {
  const h = harness((m) => (m < 3 ? 0.01 : undefined), T0 + 6 * MIN);
  const rounds: { outcomes: string[]; noDataStarted: string[] }[] = [];
  h.deps.observe = (step) =>
    rounds.push({
      outcomes: step.evaluations.map((e) => e.evaluation.outcome),
      noDataStarted: step.report.noData.filter((n) => n.kind === 'started').map((n) => n.guardrailId),
    });
  await run(h);
  expect(rounds).toHaveLength(h.queries.length);
  expect(rounds.every((r) => r.outcomes.length === 1)).toBe(true);
  expect(rounds.flatMap((r) => r.noDataStarted)).toEqual([guardrail.id]);
});
