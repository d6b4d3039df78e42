import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailReadingRecord } from '../libs/persistence/src/guardrail-readings';
import { errorRateGuardrail } from '../workflows/engine/engine.fixtures';
import type { WatcherReport } from '../workflows/engine/messages';
import { resumeReadingsFrom, type WatcherState } from '../workflows/engine/watcher-step';
import {
  runWatcher,
  watcherTuning,
  type WatchMetricsInput,
  type WatcherDeps,
  type WatcherResume,
  type WatcherTuning,
} from './metric-watcher';

// The watcher's schedule when it falls behind (catch-up at the plan's reading times, in batches, with range
// queries when it has them), and its throttled display writes. A fake clock and Prometheus, as in
// metric-watcher.spec.ts; `stall(ms)` makes the next sleep last that much longer (a busy or paused worker).

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0);

class Stop extends Error {}

function harness(values: (minute: number) => number | undefined, until: number) {
  let now = T0;
  let extra = 0;
  const reports: WatcherReport[] = [];
  const heartbeats: WatcherState[] = [];
  const display: GuardrailReadingRecord[][] = [];
  /** Each instant query's reading time, and the wall time it was made at. */
  const queries: { at: number; madeAt: number }[] = [];
  const ranges: number[][] = [];
  const valueAt = (at: number) => {
    const v = values((at - T0) / MIN);
    return v === undefined ? { value: null, cause: 'no-series' as const } : { value: v, unit: 'ratio' };
  };
  const deps: WatcherDeps = {
    now: () => now,
    sleep: (ms) => {
      now += Math.max(ms, 1) + extra; // even a zero sleep (between catch-up batches) takes a little time
      extra = 0;
      return now > until ? Promise.reject(new Stop('cancelled')) : Promise.resolve();
    },
    heartbeat: (state) => heartbeats.push(structuredClone(state)),
    query: (_metric, at) => {
      queries.push({ at, madeAt: now });
      return Promise.resolve(valueAt(at));
    },
    report: (r) => {
      reports.push(r);
      return Promise.resolve(true);
    },
    escalate: () => Promise.resolve(),
    display: (records) => {
      display.push(records);
      return Promise.resolve();
    },
    warn: () => undefined,
  };
  const withRange = () => {
    deps.queryRange = (_metric, times) => {
      ranges.push([...times]);
      return Promise.resolve(times.map(valueAt));
    };
  };
  const stall = (ms: number) => (extra = ms);
  return { deps, reports, heartbeats, display, queries, ranges, withRange, stall, clock: () => now };
}

const guardrail: Guardrail = errorRateGuardrail({ action: { type: 'rollback', level: 'full' } }); // > 5% for 5 min
const input = (cadenceMs = MIN): WatchMetricsInput => ({
  rolloutId: 'r-1',
  phaseId: 'pilot',
  plan: 'checkout',
  phaseWorkflowId: 'rollout-r-1-phase-pilot',
  where: 'Pilot (checkout, rollout r-1)',
  guardrails: [guardrail],
  cadenceMs,
  escalationChannel: 'escalation',
});

const run = (
  h: ReturnType<typeof harness>,
  tuning: Partial<WatcherTuning> = {},
  cadenceMs = MIN,
  resumed?: WatcherState,
) =>
  runWatcher(input(cadenceMs), resumed, h.deps, { ...watcherTuning(10_000), ...tuning }).catch(
    (err: unknown) => {
      if (!(err instanceof Stop)) throw err;
    },
  );

const minutes = (ats: number[]) => ats.map((at) => (at - T0) / MIN);

test('a watcher 10 minutes late takes every missed reading, each at its own reading time, and judges them in order', async () => {
  const h = harness((m) => (m < 2 ? 0.01 : 0.09), T0 + 14 * MIN);
  h.stall(10 * MIN); // the first sleep after minute 0 ends at about 12:10
  await run(h);
  // Not one reading skipped: 0..14, each made for its minute, minutes 1..10 all at once after the stall.
  expect(minutes(h.queries.map((q) => q.at))).toEqual([...Array(15).keys()]);
  const late = h.queries.filter((q) => q.madeAt > q.at + 1_000);
  expect(minutes(late.map((q) => q.at))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(new Set(late.map((q) => q.madeAt)).size).toBe(1);
  // The breach is judged as it would have been on time: at minute 7, over 2..7.
  expect(h.reports).toHaveLength(1);
  expect(minutes(h.reports[0].breaches[0].readings.map((r) => r.at))).toEqual([2, 3, 4, 5, 6, 7]);
  // After the catch-up it is on schedule again: minute 11 read at 12:11.
  expect(h.queries.find((q) => q.at === T0 + 11 * MIN)?.madeAt).toBe(T0 + 11 * MIN);
});

test('far behind, it catches up in batches of batchRounds rounds', async () => {
  const h = harness(() => 0.01, T0 + 40 * MIN);
  h.stall(30 * MIN);
  await run(h, { batchRounds: 8 });
  expect(minutes(h.queries.map((q) => q.at))).toEqual([...Array(41).keys()]);
  const batches = new Map<number, number>();
  for (const q of h.queries) batches.set(q.madeAt, (batches.get(q.madeAt) ?? 0) + 1);
  expect(Math.max(...batches.values())).toBe(8);
});

test('with range queries, the missed readings come from one range query per metric', async () => {
  const h = harness((m) => (m < 2 ? 0.01 : 0.09), T0 + 14 * MIN);
  h.withRange();
  h.stall(10 * MIN);
  await run(h);
  expect(h.ranges.map(minutes)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  // The instant queries are the rounds taken on time.
  expect(minutes(h.queries.map((q) => q.at))).toEqual([0, 11, 12, 13, 14]);
  expect(h.reports).toHaveLength(1);
  expect(minutes(h.reports[0].breaches[0].readings.map((r) => r.at))).toEqual([2, 3, 4, 5, 6, 7]);
});

test('display rows: written at once when an outcome changes, else at most every displayEveryMs, and last at the end', async () => {
  // A reading every second; 0.09 from the third minute on (> 5% for 5 min breaches 5 minutes later).
  const h = harness((m) => (m < 2 ? 0.01 : 0.09), T0 + 10 * MIN + 500);
  await run(h, { displayEveryMs: MIN }, 1_000);
  expect(h.queries).toHaveLength(10 * 60 + 1);
  const written = h.display.map((rows) => [(rows[0].updatedAt.getTime() - T0) / 1_000, rows[0].outcome]);
  // About one write a minute, plus the breach at once (2:00 + 5 min), not one per reading.
  expect(written.length).toBeLessThanOrEqual(13);
  const breachAt = written.findIndex(([, outcome]) => outcome === 'breach');
  expect(written[breachAt][0]).toBe(7 * 60);
  expect(written[breachAt - 1][1]).not.toBe('breach');
  // Every write a minute apart at most, and the last one is the last reading (flushed when stopped).
  const times = written.map(([t]) => t as number);
  expect(times.slice(1).every((t, i) => t - times[i] <= 60)).toBe(true);
  expect(h.display[h.display.length - 1][0]).toMatchObject({ outcome: 'breach', readings: 301 });
  expect(times[times.length - 1]).toBe(600);
});

test('heartbeats are throttled while catching up', async () => {
  const h = harness(() => 0.01, T0 + 2 * MIN);
  h.stall(MIN);
  // A reading every 100 ms: 600 readings missed during the stall, taken in batches of 16.
  await run(h, {}, 100);
  expect(h.queries.length).toBeGreaterThanOrEqual(1_200);
  expect(h.heartbeats.length).toBeLessThan(h.queries.length / 10);
});

test('a watcher started after its phase entered reads from the entry (firstReadingAt) on', async () => {
  const h = harness(() => 0.01, T0 + 5 * MIN);
  h.stall(150_000); // the watcher starts at 12:02:30, the phase entered at 12:00
  await h.deps.sleep(0);
  await runWatcher({ ...input(), firstReadingAt: T0 }, undefined, h.deps, watcherTuning(10_000)).catch(
    (err: unknown) => {
      if (!(err instanceof Stop)) throw err;
    },
  );
  expect(minutes(h.queries.map((q) => q.at))).toEqual([0, 1, 2, 3, 4, 5]);
  expect(h.queries.slice(0, 3).every((q) => q.madeAt > T0 + 2 * MIN)).toBe(true);
});

describe('a phase continued as new: its next run’s watcher re-reads the longest window', () => {
  const stoppedAt = T0 + 10 * MIN; // the previous run stopped its watcher at 12:10
  const resumeFrom = resumeReadingsFrom(T0, stoppedAt, MIN, 5 * MIN);
  /** The new run's watcher, starting at 12:10:30, with what the phase carried (or without: as before). */
  const continued = async (h: ReturnType<typeof harness>, resume?: WatcherResume) => {
    h.stall(10 * MIN + 30_000);
    await h.deps.sleep(0);
    const from = resume ? { firstReadingAt: resumeFrom, resume } : {};
    await runWatcher({ ...input(), ...from }, undefined, h.deps, watcherTuning(10_000)).catch(
      (err: unknown) => {
        if (!(err instanceof Stop)) throw err;
      },
    );
  };

  test('resumeReadingsFrom: a window and a cadence back, on the schedule, never before the first reading', () => {
    expect(resumeFrom).toBe(T0 + 4 * MIN);
    expect(resumeReadingsFrom(T0, T0 + 10 * MIN + 20_000, MIN, 5 * MIN)).toBe(T0 + 5 * MIN);
    expect(resumeReadingsFrom(T0, T0 + 3 * MIN, MIN, 5 * MIN)).toBe(T0);
  });

  test('a breach whose window began before the continue-as-new is found on time, with every reading', async () => {
    // Above 5 % from minute 6 on: "> 5% for 5 min" breaches at minute 11, one minute after the new run began.
    const values = (m: number) => (m < 6 ? 0.01 : 0.09);
    const h = harness(values, T0 + 16 * MIN);
    await continued(h, { reported: [], episodes: {}, quietUntil: stoppedAt });
    // Minutes 4..10 read again at once (12:10:30), then every minute on schedule.
    expect(minutes(h.queries.map((q) => q.at)).slice(0, 8)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(h.queries.filter((q) => q.at <= stoppedAt).every((q) => q.madeAt > stoppedAt)).toBe(true);
    expect(h.reports).toHaveLength(1);
    expect(minutes(h.reports[0].breaches[0].readings.map((r) => r.at))).toEqual([6, 7, 8, 9, 10, 11]);
    expect(h.display.flat().find((r) => r.outcome === 'breach')?.updatedAt).toEqual(new Date(T0 + 11 * MIN));

    // Without what the phase carried, the new watcher starts with empty windows: a breach 5 minutes late.
    const before = harness(values, T0 + 16 * MIN);
    await continued(before);
    const late = before.display
      .flat()
      .find((r) => r.outcome === 'breach')
      ?.updatedAt.getTime();
    expect(late).toBeGreaterThanOrEqual(T0 + 15 * MIN);
  });

  test('re-read readings repeat no no-data notice, no escalation and no breach already reported', async () => {
    // The previous run's watcher: no series for minutes 0..7 (escalated after 5 cadences), data again from 8.
    const values = (m: number) => (m < 8 ? undefined : 0.01);
    const previous = harness(values, stoppedAt);
    const escalated: unknown[] = [];
    previous.deps.escalate = (e) => Promise.resolve(void escalated.push(e));
    await run(previous);
    expect(previous.reports.flatMap((r) => r.noData.map((n) => [n.kind, minutes([n.since])[0]]))).toEqual([
      ['started', 0],
      ['escalated', 0],
      ['ended', 0],
    ]);
    const { episodes } = previous.heartbeats[previous.heartbeats.length - 1];
    expect(episodes).toEqual({});

    // Minutes 4..7 read again: an episode the phase has already had (started, ended) is not told again.
    const h = harness(values, T0 + 16 * MIN);
    h.withRange();
    h.deps.escalate = (e) => Promise.resolve(void escalated.push(e));
    await continued(h, { reported: ['error-rate'], episodes, quietUntil: stoppedAt });
    expect(minutes(h.ranges[0])).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(h.reports).toEqual([]);
    expect(escalated).toHaveLength(1);
  });
});

test('behind by more than Prometheus keeps (maxCatchUpMs), it reads only what is kept: the rest is a no-data episode', async () => {
  const h = harness(() => 0.01, T0 + 70 * MIN);
  const warned: string[] = [];
  h.deps.warn = (message) => void warned.push(message);
  h.stall(60 * MIN); // a worker down for an hour, against a retention of 20 minutes
  await run(h, { maxCatchUpMs: 20 * MIN });
  const read = minutes(h.queries.map((q) => q.at));
  // Minute 0 on time; nothing older than 20 minutes before the watcher came back (12:40) is queried.
  expect(read[0]).toBe(0);
  expect(read.slice(1).every((m) => m >= 41)).toBe(true);
  expect(read.slice(1)).toEqual(Array.from({ length: read.length - 1 }, (_, i) => 41 + i));
  // Minutes 1..40 stand as one episode without data, told to the phase when it starts and when it ends.
  const notices = h.reports.flatMap((r) => r.noData);
  expect(notices.map((n) => [n.kind, minutes([n.since])[0]])).toEqual([
    ['started', 1],
    ['ended', 1],
  ]);
  expect(notices[0].state.detail).toMatch(/not read: 40 reading\(s\) .* older than Prometheus keeps/);
  expect(minutes([(notices[1] as { at: number }).at])).toEqual([41]);
  expect(warned).toContain('Metric watcher too far behind: readings older than the retention are not read');
});
