import { errorRateGuardrail } from './engine.fixtures';
import type { Guardrail } from '../../libs/plan/src/model';
import { clock, condition, evaluateGuardrail, guardrailsFor, retentionMs, span } from './guardrails';
import type { Sample } from './samples';

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

describe('evaluateGuardrail', () => {
  describe('sustained ("for 5 minutes")', () => {
    test('breaches when every reading across the covered window is above', () => {
      const samples = series(0, [6, 7, 8, 6.5, 9, 7]);
      expect(evaluateGuardrail(guardrail(), samples, at(5))).toEqual({
        outcome: 'breach',
        readings: samples,
        value: 7,
        reason: 'error_rate > 5% for 5 minutes: 6 readings from 12:00 to 12:05, all above',
      });
    });

    test('a window without a mode is sustained', () => {
      const samples = series(0, [6, 7, 8, 6, 9, 7]);
      expect(evaluateGuardrail(guardrail({ mode: undefined }), samples, at(5)).outcome).toBe('breach');
    });

    test('one reading not above settles it as ok, and that reading is what decided', () => {
      const samples = series(0, [6, 7, 4.2, 6, 9, 7]);
      const result = evaluateGuardrail(guardrail(), samples, at(5));
      expect(result.outcome).toBe('ok');
      expect(result.readings).toEqual([samples[2]]);
      expect(result.reason).toBe(
        'error_rate > 5% for 5 minutes: not sustained, 1 of 6 readings from 12:00 to 12:05 not above (last 4.2% at 12:02)',
      );
    });

    test('the reading in force at the window start counts: healthy then, so not yet 5 minutes', () => {
      expect(evaluateGuardrail(guardrail(), series(0, [4, 6, 6, 6, 6, 6]), at(5)).outcome).toBe('ok');
    });

    test('readings before the window do not matter once a later one covers its start', () => {
      const samples = series(0, [1, 1, 6, 6, 6, 6, 6, 6]); // window 12:02–12:07
      const result = evaluateGuardrail(guardrail(), samples, at(7));
      expect(result.outcome).toBe('breach');
      expect(result.readings).toEqual(samples.slice(2));
    });

    describe('window boundaries', () => {
      test('a reading exactly at now − window covers the start', () => {
        expect(evaluateGuardrail(guardrail(), series(0, [6, 6, 6, 6, 6, 6]), at(5)).outcome).toBe('breach');
      });

      test('readings that begin just after now − window do not cover it: inconclusive', () => {
        const samples = series(0, [6, 6, 6, 6, 6, 6]).map((s) => ({ ...s, at: s.at + 1000 }));
        const result = evaluateGuardrail(guardrail(), samples, at(5));
        expect(result.outcome).toBe('inconclusive');
        expect(result.reason).toBe(
          'error_rate > 5% for 5 minutes: missing data (no reading at or shortly before the window start 12:00), treated as inconclusive',
        );
      });

      test('a reading somewhat before the start stands for it, if within the max gap', () => {
        const early = { metric: 'error_rate', value: 6, at: at(-1.5) };
        const samples = [early, ...series(0.5, [6, 6, 6, 6, 6])];
        expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('breach');
      });

      test('a reading older than the max gap before the start does not stand for it', () => {
        const stale = { metric: 'error_rate', value: 6, at: at(-3) };
        const samples = [stale, ...series(0.5, [6, 6, 6, 6, 6])];
        expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('inconclusive');
      });

      test('so a guardrail cannot breach before a full window of readings exists', () => {
        const samples = series(0, [9, 9, 9]);
        expect(evaluateGuardrail(guardrail(), samples, at(2)).outcome).toBe('inconclusive');
      });
    });

    describe('gaps', () => {
      const withHole = [...series(0, [6, 6]), ...series(4, [6, 6])]; // nothing between 12:01 and 12:04

      test('a gap longer than the max gap (default 2 × cadence) makes it inconclusive, not a breach', () => {
        const result = evaluateGuardrail(guardrail(), withHole, at(5));
        expect(result.outcome).toBe('inconclusive');
        expect(result.reason).toContain('no reading between 12:01 and 12:04 (more than 2 minutes)');
        expect(result.readings).toEqual(withHole);
      });

      test('a larger max gap, or a slower cadence, accepts the same readings', () => {
        expect(evaluateGuardrail(guardrail(), withHole, at(5), { maxGapMs: 3 * MIN }).outcome).toBe('breach');
        expect(evaluateGuardrail(guardrail(), withHole, at(5), { cadenceMs: 2 * MIN }).outcome).toBe(
          'breach',
        );
      });

      test('a gap of exactly the max gap is still covered', () => {
        const samples = [...series(0, [6]), ...series(2, [6]), ...series(4, [6, 6])];
        expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('breach');
      });

      test('no reading for longer than the max gap before now is no data', () => {
        const samples = series(-1, [6, 6, 6, 6]); // last at 12:02
        const result = evaluateGuardrail(guardrail(), samples, at(5));
        expect(result.outcome).toBe('no_data');
        expect(result.noData).toMatchObject({ cause: 'no-readings', policy: 'inconclusive' });
        expect(result.reason).toContain('no reading since 12:02 (more than 2 minutes)');
      });

      test('a gap does not hide a healthy reading: that is still ok', () => {
        const samples = [...series(0, [6, 3]), ...series(4, [6, 6])];
        expect(evaluateGuardrail(guardrail(), samples, at(5)).outcome).toBe('ok');
      });
    });

    describe('nulls (the source had no data)', () => {
      test('a lone null between close readings is a hole the neighbours still cover', () => {
        const samples = series(0, [6, 6, null, 6, 6, 6]);
        const result = evaluateGuardrail(guardrail(), samples, at(5));
        expect(result.outcome).toBe('breach');
        expect(result.readings).toHaveLength(5);
      });

      test('nulls long enough to leave a gap make it inconclusive', () => {
        const result = evaluateGuardrail(guardrail(), series(0, [6, null, null, null, 6, 6]), at(5));
        expect(result.outcome).toBe('inconclusive');
      });

      test('only nulls: no data (no series), with the nulls recorded', () => {
        const samples = series(0, [null, null, null, null, null, null]);
        const result = evaluateGuardrail(guardrail(), samples, at(5));
        expect(result).toMatchObject({ outcome: 'no_data', value: null, readings: samples.slice(1) });
        expect(result.reason).toBe(
          'error_rate > 5% for 5 minutes: no data (the query of error_rate answered no series), inconclusive',
        );
      });
    });
  });
});

describe('guardrailsFor', () => {
  const plan = {
    guardrails: [
      guardrail({ id: 'everywhere' }),
      guardrail({ id: 'pilot-only', phases: ['pilot'] }),
      guardrail({ id: 'ga-and-pilot', phases: ['ga', 'pilot'] }),
      guardrail({ id: 'nowhere', phases: [] }),
    ],
  };

  test('returns the guardrails naming the phase and those watching the whole rollout', () => {
    expect(guardrailsFor(plan, 'pilot').map((g) => g.id)).toEqual([
      'everywhere',
      'pilot-only',
      'ga-and-pilot',
    ]);
    expect(guardrailsFor(plan, 'ga').map((g) => g.id)).toEqual(['everywhere', 'ga-and-pilot']);
    expect(guardrailsFor(plan, 'beta').map((g) => g.id)).toEqual(['everywhere']);
  });
});

describe('retentionMs', () => {
  test('is the longest window among the guardrails on the metric, 0 without one', () => {
    const guardrails = [
      guardrail({ window: 'PT5M' }),
      aggregate({ window: 'PT15M' }),
      guardrail({ metric: 'latency', window: 'PT1H' }),
      latestOnly(),
    ];
    expect(retentionMs(guardrails, 'error_rate')).toBe(15 * MIN);
    expect(retentionMs(guardrails, 'latency')).toBe(60 * MIN);
    expect(retentionMs([latestOnly()], 'error_rate')).toBe(0);
    expect(retentionMs(guardrails, 'unknown')).toBe(0);
  });
});

describe('wording', () => {
  test('conditions read as the plan does', () => {
    expect(condition(guardrail())).toBe('error_rate > 5% for 5 minutes');
    expect(condition(aggregate({ window: 'PT15M', operator: '<', threshold: 99.5 }))).toBe(
      'error_rate < 99.5% averaged over 15 minutes',
    );
    expect(condition(latestOnly({ unit: undefined }))).toBe('error_rate > 5');
  });

  test('times are UTC, with seconds only when needed and the date only across days', () => {
    expect(clock(at(5), at(5))).toBe('12:05');
    expect(clock(at(5) + 30_000, at(5))).toBe('12:05:30');
    expect(clock(at(-12 * 60 - 1), at(0))).toBe('2026-11-21 23:59');
  });

  test('spans use the largest whole unit', () => {
    expect(span(2 * MIN)).toBe('2 minutes');
    expect(span(90_000)).toBe('90 seconds');
    expect(span(3_600_000)).toBe('1 hour');
    expect(span(1500)).toBe('1500 milliseconds');
  });
});
