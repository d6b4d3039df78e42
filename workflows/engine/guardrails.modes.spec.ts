import { errorRateGuardrail } from './engine.fixtures';
import type { Guardrail } from '../../libs/plan/src/model';
import { evaluateGuardrail, retentionMs } from './guardrails';
import { addSample, emptyWindow, type Sample } from './samples';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0);
const at = (minutes: number) => T0 + minutes * MIN;

const guardrail = (overrides: Partial<Guardrail> = {}): Guardrail =>
  errorRateGuardrail({ action: { type: 'rollback', level: 'full' }, ...overrides });
const aggregate = (overrides: Partial<Guardrail> = {}) => guardrail({ mode: 'aggregate', ...overrides });
const latestOnly = (overrides: Partial<Guardrail> = {}) =>
  guardrail({ window: undefined, mode: undefined, ...overrides });

/** Readings one minute apart from `start` minutes, with these values. */
const series = (start: number, values: (number | null)[]): Sample[] =>
  values.map((value, i) => ({ metric: 'error_rate', value, at: at(start + i) }));

// evaluateGuardrail beyond the sustained mode (guardrails.spec.ts): aggregates, no window, missing data, inputs.

describe('evaluateGuardrail', () => {
  describe('aggregate ("averaged over 5 minutes")', () => {
    test('breaches when the average of the covering readings does', () => {
      const samples = series(0, [4, 9, 9, 4, 9, 9]);
      const result = evaluateGuardrail(aggregate(), samples, at(5));
      expect(result).toMatchObject({ outcome: 'breach', readings: samples, value: 44 / 6 });
      expect(result.reason).toBe(
        'error_rate > 5% averaged over 5 minutes: average 7.3333% of 6 readings from 12:00 to 12:05, above',
      );
    });

    test('is ok when the average is not above, even with some readings above', () => {
      const result = evaluateGuardrail(aggregate(), series(0, [1, 9, 1, 1, 9, 1]), at(5));
      expect(result.outcome).toBe('ok');
      expect(result.reason).toContain('average 3.6667% of 6 readings from 12:00 to 12:05, not above');
    });

    test('sustained and aggregate disagree on the same spiky data', () => {
      const samples = series(0, [4, 9, 9, 4, 9, 9]);
      expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('ok');
      expect(evaluateGuardrail(aggregate(), samples, at(5)).outcome).toBe('breach');
    });

    test('and agree when every reading is above', () => {
      const samples = series(0, [6, 6, 6, 6, 6, 6]);
      expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('breach');
      expect(evaluateGuardrail(aggregate(), samples, at(5)).outcome).toBe('breach');
    });

    test('nulls are left out of the average', () => {
      const result = evaluateGuardrail(aggregate(), series(0, [6, null, 8, 6, 8, 6]), at(5));
      expect(result).toMatchObject({ outcome: 'breach', value: 34 / 5 });
      expect(result.readings).toHaveLength(5);
    });

    test('held values (a simulated source) weight each reading by how long it held within the window', () => {
      // 0 since long before the window, 9 from 12:02: 2 minutes of 0 and 3 of 9 over 12:00–12:05.
      const samples: Sample[] = [
        { metric: 'error_rate', value: 0, at: at(-600) },
        { metric: 'error_rate', value: 9, at: at(2) },
        { metric: 'error_rate', value: 9, at: at(5) },
      ];
      const options = { maxGapMs: Infinity, timeWeighted: true };
      const weighted = evaluateGuardrail(aggregate({ threshold: 5 }), samples, at(5), options);
      expect(weighted).toMatchObject({ outcome: 'breach', value: 27 / 5 });
      expect(weighted.reason).toContain('time-weighted average 5.4%');
      // Counting readings would say 6 here, and miss a breach at 7 that held for all but 2 minutes.
      expect(evaluateGuardrail(aggregate(), samples, at(5), { maxGapMs: Infinity }).value).toBe(6);
      const later = evaluateGuardrail(aggregate({ threshold: 7 }), samples, at(7), options);
      expect(later).toMatchObject({ outcome: 'breach', value: 9 });
    });

    test('an average over a window the readings do not cover is missing data, even if it looks breached', () => {
      const result = evaluateGuardrail(aggregate(), series(3, [50, 50, 50]), at(5));
      expect(result.outcome).toBe('inconclusive');
      expect(result.value).toBeNull();
    });
  });

  describe('no window: the latest reading decides', () => {
    test('above → breach, otherwise ok', () => {
      const breach = evaluateGuardrail(latestOnly(), series(0, [1, 1, 6.2]), at(2));
      expect(breach).toMatchObject({
        outcome: 'breach',
        value: 6.2,
        reason: 'error_rate > 5%: 6.2% at 12:02, above',
      });
      expect(breach.readings).toEqual(series(2, [6.2]));
      const ok = evaluateGuardrail(latestOnly(), series(0, [9, 9, 1]), at(2));
      expect(ok).toMatchObject({ outcome: 'ok', reason: 'error_rate > 5%: 1% at 12:02, not above' });
    });

    test('a latest reading without a value is no data, not a fall back to an older one', () => {
      const result = evaluateGuardrail(latestOnly(), series(0, [9, null]), at(1));
      expect(result.outcome).toBe('no_data');
      expect(result.reason).toBe(
        'error_rate > 5%: no data (the query of error_rate answered no series), inconclusive',
      );
    });

    test('a stale latest reading is no data', () => {
      const result = evaluateGuardrail(latestOnly(), series(0, [9]), at(3));
      expect(result.outcome).toBe('no_data');
      expect(result.reason).toContain('no reading since 12:00 (more than 2 minutes)');
    });

    test('with a workflow-wide missingData rule (older rollouts), the old outcomes and reasons stand', () => {
      const result = evaluateGuardrail(latestOnly(), series(0, [9, null]), at(1), {
        missingData: 'inconclusive',
      });
      expect(result.outcome).toBe('inconclusive');
      expect(result.reason).toBe(
        'error_rate > 5%: missing data (the reading at 12:01 has no value), treated as inconclusive',
      );
    });

    test.each([
      ['>', 5, 'ok'],
      ['>', 5.01, 'breach'],
      ['>=', 5, 'breach'],
      ['>=', 4.99, 'ok'],
      ['<', 5, 'ok'],
      ['<', 4.99, 'breach'],
      ['<=', 5, 'breach'],
      ['<=', 5.01, 'ok'],
    ] as const)('operator %s with %d against 5 → %s', (operator, value, outcome) => {
      const result = evaluateGuardrail(latestOnly({ operator }), series(0, [value]), at(0));
      expect(result.outcome).toBe(outcome);
    });

    test('units other than % are set apart by a space', () => {
      const latency = latestOnly({ metric: 'p99_latency', operator: '>=', threshold: 800, unit: 'ms' });
      const result = evaluateGuardrail(latency, [{ metric: 'p99_latency', value: 950, at: at(0) }], at(0));
      expect(result.reason).toBe('p99_latency >= 800 ms: 950 ms at 12:00, at or above');
    });
  });

  describe('missing data outcome', () => {
    test.each(['inconclusive', 'breach', 'ok'] as const)('is configurable: %s', (missingData) => {
      const result = evaluateGuardrail(guardrail(), [], at(5), { missingData });
      expect(result.outcome).toBe(missingData);
      expect(result.reason).toBe(
        `error_rate > 5% for 5 minutes: missing data (no readings), treated as ${missingData}`,
      );
    });

    test('defaults to no data for every kind of missing data: never a silent breach, never ok', () => {
      const cases: [Guardrail, Sample[]][] = [
        [guardrail(), []],
        [guardrail(), series(0, [null, null, null, null, null, null])],
        [guardrail(), series(0, [9, 9])],
        [aggregate(), series(0, [9, 9])],
        [latestOnly(), []],
        [latestOnly(), series(4, [null])],
        [latestOnly(), series(0, [9])],
      ];
      for (const [g, samples] of cases) expect(evaluateGuardrail(g, samples, at(5)).outcome).toBe('no_data');
    });

    test('readings that flow but do not yet cover the window are inconclusive, not no data', () => {
      // Entered at 12:03: three readings, a value now, but the 5-minute window is not covered.
      for (const g of [guardrail(), aggregate()]) {
        const result = evaluateGuardrail(g, series(3, [9, 9, 9]), at(5));
        expect(result.outcome).toBe('inconclusive');
        expect(result.noData).toBeUndefined();
      }
    });

    test('a healthy reading still wins over missingData: breach', () => {
      const samples = [...series(0, [6, 3]), ...series(4, [6, 6])];
      expect(evaluateGuardrail(guardrail(), samples, at(5), { missingData: 'breach' }).outcome).toBe('ok');
    });
  });

  describe('inputs', () => {
    test('order of the given readings does not matter', () => {
      const samples = series(0, [6, 7, 8, 6, 9, 7]);
      const shuffled = [samples[3], samples[0], samples[5], samples[1], samples[4], samples[2]];
      expect(evaluateGuardrail(guardrail(), shuffled, at(5))).toEqual(
        evaluateGuardrail(guardrail(), samples, at(5)),
      );
    });

    test('readings of other metrics and readings after now are ignored', () => {
      const samples = [
        ...series(0, [6, 6, 6, 6, 6, 6]),
        { metric: 'latency', value: 1, at: at(3) },
        { metric: 'error_rate', value: 1, at: at(6) },
      ];
      expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('breach');
    });

    test('an unusable window is reported, not treated as data', () => {
      const result = evaluateGuardrail(guardrail({ window: 'soon' }), series(0, [9]), at(0), {
        missingData: 'breach',
      });
      expect(result).toEqual({
        outcome: 'inconclusive',
        readings: [],
        value: null,
        reason: 'window "soon" is not a usable duration',
      });
    });

    test('the result is plain data that survives JSON', () => {
      const result = evaluateGuardrail(guardrail(), series(0, [6, 7, 8, 6, 9, 7]), at(5));
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });

    test('works on a pruned window after 100k readings, with the same answer as on all of them', () => {
      const all: Sample[] = [];
      let window = emptyWindow('error_rate');
      for (let i = 0; i < 100_000; i++) {
        const sample = { metric: 'error_rate', value: i >= 99_990 ? 7 : 1, at: at(i) };
        all.push(sample);
        window = addSample(window, sample, retentionMs([guardrail()], 'error_rate'));
      }
      const now = at(99_999);
      const pruned = evaluateGuardrail(guardrail(), window.samples, now);
      expect(pruned.outcome).toBe('breach');
      expect(pruned).toEqual(evaluateGuardrail(guardrail(), all, now));
      expect(evaluateGuardrail(aggregate(), window.samples, now)).toEqual(
        evaluateGuardrail(aggregate(), all, now),
      );
    });
  });
});
