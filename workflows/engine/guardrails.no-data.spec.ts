import type { Guardrail } from '../../libs/plan/src/model';
import { errorRateGuardrail } from './engine.fixtures';
import { evaluateGuardrail } from './guardrails';
import { DEFAULT_NO_DATA_ESCALATE_AFTER, escalationDue, trackNoData, type NoDataEpisodes } from './no-data';
import type { Sample } from './samples';
import { emptyWatch, observeReadings } from './watch';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0);
const at = (minutes: number) => T0 + minutes * MIN;

// error_rate > 5% for 5 minutes
const guardrail = (overrides: Partial<Guardrail> = {}): Guardrail =>
  errorRateGuardrail({ action: { type: 'rollback', level: 'full' }, ...overrides });
const ratios = (start: number, values: (number | null)[], extra: Partial<Sample> = {}): Sample[] =>
  values.map((value, i) => ({ metric: 'error_rate', value, at: at(start + i), unit: 'ratio', ...extra }));

describe('units: a guardrail compares in its own unit', () => {
  test('"> 5%" against a ratio of 0.09 breaches (the 9 % error rate that read as healthy)', () => {
    const result = evaluateGuardrail(guardrail(), ratios(0, [0.09, 0.09, 0.09, 0.09, 0.09, 0.09]), at(5));
    expect(result.outcome).toBe('breach');
    expect(result.reason).toBe('error_rate > 5% for 5 minutes: 6 readings from 12:00 to 12:05, all above');
    expect(result.readings.map((r) => [r.value, r.unit])).toEqual(Array(6).fill([9, 'percent']));
  });

  test('a ratio of 0.04 is 4 %: ok; 0.05 is exactly 5 %: not above', () => {
    expect(
      evaluateGuardrail(guardrail(), ratios(0, [0.04, 0.09, 0.09, 0.09, 0.09, 0.09]), at(5)).outcome,
    ).toBe('ok');
    const latest = guardrail({ window: undefined, mode: undefined });
    expect(evaluateGuardrail(latest, ratios(0, [0.05]), at(0))).toMatchObject({
      outcome: 'ok',
      value: 5,
      reason: 'error_rate > 5%: 5% at 12:00, not above',
    });
  });

  test('a reading without a unit is in the guardrail unit (pushed readings before catalogues)', () => {
    const latest = guardrail({ window: undefined, mode: undefined });
    const unitless: Sample[] = [{ metric: 'error_rate', value: 0.09, at: at(0) }];
    expect(evaluateGuardrail(latest, unitless, at(0)).outcome).toBe('ok');
  });

  test('a reading whose unit cannot be reconciled is no data (cause unit), never compared', () => {
    const latest = guardrail({ window: undefined, mode: undefined });
    const result = evaluateGuardrail(latest, ratios(0, [900], { unit: 'ms' }), at(0));
    expect(result.outcome).toBe('no_data');
    expect(result.noData).toEqual({
      cause: 'unit',
      detail: 'the metric\'s unit "ms" cannot be compared with the guardrail\'s unit "%"',
      policy: 'inconclusive',
    });
  });

  test('latency in seconds against "> 800 ms"', () => {
    const latency = guardrail({
      metric: 'p99',
      threshold: 800,
      unit: 'ms',
      window: undefined,
      mode: undefined,
    });
    const reading = (value: number): Sample[] => [{ metric: 'p99', value, at: at(0), unit: 's' }];
    expect(evaluateGuardrail(latency, reading(0.95), at(0)).outcome).toBe('breach');
    expect(evaluateGuardrail(latency, reading(0.5), at(0)).outcome).toBe('ok');
  });
});

describe('no data is a state', () => {
  test('the cause comes from the latest reading: no series, query failed, unmapped', () => {
    const g = guardrail();
    const noSeries = evaluateGuardrail(g, ratios(0, [null, null, null], { cause: 'no-series' }), at(2));
    expect(noSeries.noData).toMatchObject({ cause: 'no-series' });
    const failed = evaluateGuardrail(
      g,
      ratios(0, [null, null, null], { cause: 'query-failed', detail: 'connection refused' }),
      at(2),
    );
    expect(failed).toMatchObject({ outcome: 'no_data', noData: { cause: 'query-failed' } });
    expect(failed.reason).toBe(
      'error_rate > 5% for 5 minutes: no data (the query failed: connection refused), inconclusive',
    );
    const unmapped = evaluateGuardrail(g, ratios(0, [null], { cause: 'unmapped' }), at(0));
    expect(unmapped.reason).toContain('error_rate has no entry in the metric catalogue');
  });

  test('healthy readings earlier in the window do not make a silent source healthy', () => {
    // ok at 12:00–12:02, then the exporter stops: at 12:05 the last value is 3 minutes old.
    const result = evaluateGuardrail(guardrail(), ratios(0, [0.01, 0.01, 0.01]), at(5));
    expect(result.outcome).toBe('no_data');
    expect(result.noData).toMatchObject({ cause: 'no-readings' });
  });

  test('a single empty answer between values is a hole the neighbours cover, not no data', () => {
    const result = evaluateGuardrail(guardrail(), ratios(0, [0.09, 0.09, null, 0.09, 0.09, 0.09]), at(5));
    expect(result.outcome).toBe('breach');
  });

  test.each([
    ['inconclusive', 'no_data', 'no data (no readings), inconclusive'],
    ['pause', 'no_data', 'no data (no readings), pauses the rollout'],
    ['breach', 'breach', 'no data (no readings), treated as a breach'],
  ] as const)('a guardrail with noData: %s → %s', (noData, outcome, reason) => {
    const result = evaluateGuardrail(guardrail({ noData }), [], at(5));
    expect(result.outcome).toBe(outcome);
    expect(result.noData?.policy).toBe(noData);
    expect(result.reason).toBe(`error_rate > 5% for 5 minutes: ${reason}`);
  });

  test('noData: breach acts through the watch once, like any breach', () => {
    const watch = emptyWatch();
    const g = guardrail({ noData: 'breach' });
    expect(observeReadings(watch, [g], ratios(0, [null]), at(0))).toHaveLength(1);
    expect(observeReadings(watch, [g], ratios(1, [null]), at(1))).toHaveLength(0);
  });

  test("a plan's noData wins over the workflow-wide missingData rule of older rollouts", () => {
    const legacy = evaluateGuardrail(guardrail(), [], at(5), { missingData: 'breach' });
    expect(legacy.outcome).toBe('breach');
    const own = evaluateGuardrail(guardrail({ noData: 'inconclusive' }), [], at(5), {
      missingData: 'breach',
    });
    expect(own.outcome).toBe('no_data');
  });
});

describe('no-data episodes', () => {
  const g = guardrail();
  const settings = { cadenceMs: MIN, escalateAfter: 3 };
  const none = {
    noData: {
      cause: 'no-series' as const,
      detail: 'the query of error_rate answered no series',
      policy: 'inconclusive' as const,
    },
  };

  test('starts, escalates exactly once after the configured cadences, ends when data is back', () => {
    const episodes: NoDataEpisodes = {};
    const kinds = (minute: number, evaluation: typeof none | object) =>
      trackNoData(episodes, [{ guardrail: g, evaluation }], at(minute), settings, 'Pilot (rollout r-1)').map(
        (e) => e.kind,
      );
    expect(kinds(0, none)).toEqual(['started']);
    expect(kinds(1, none)).toEqual([]);
    expect(kinds(2, none)).toEqual([]);
    expect(kinds(3, none)).toEqual(['escalate']);
    expect(kinds(4, none)).toEqual([]);
    expect(kinds(9, none)).toEqual([]);
    expect(kinds(10, {})).toEqual(['ended']);
    expect(episodes).toEqual({});
    // A new episode escalates again, once.
    expect(kinds(11, none)).toEqual(['started']);
    expect(kinds(14, none)).toEqual(['escalate']);
  });

  test('the escalation message names the guardrail, the place, how long and why', () => {
    const episodes: NoDataEpisodes = {};
    trackNoData(episodes, [{ guardrail: g, evaluation: none }], at(0), settings, 'Pilot (rollout r-1)');
    const [event] = trackNoData(
      episodes,
      [{ guardrail: g, evaluation: none }],
      at(3),
      settings,
      'Pilot (rollout r-1)',
    );
    expect(event).toMatchObject({ kind: 'escalate' });
    expect(event.kind === 'escalate' && event.message).toBe(
      'No data for guardrail "error-rate" (error_rate > 5% for 5 minutes) in Pilot (rollout r-1) for 3 minutes: the query of error_rate answered no series. It is treated as inconclusive (no action is taken); check the metric catalogue entry for error_rate and its source.',
    );
  });

  test('escalationDue: by default after 5 cadences, never twice, never below one cadence', () => {
    const episode = { guardrailId: 'x', metric: 'm', since: at(0), state: none.noData, escalated: false };
    expect(DEFAULT_NO_DATA_ESCALATE_AFTER).toBe(5);
    expect(escalationDue(episode, at(4), { cadenceMs: MIN })).toBe(false);
    expect(escalationDue(episode, at(5), { cadenceMs: MIN })).toBe(true);
    expect(escalationDue({ ...episode, escalated: true }, at(50), { cadenceMs: MIN })).toBe(false);
    expect(escalationDue(episode, at(0), { cadenceMs: MIN, escalateAfter: 0 })).toBe(false);
    expect(escalationDue(episode, at(1), { cadenceMs: MIN, escalateAfter: 0 })).toBe(true);
  });
});
