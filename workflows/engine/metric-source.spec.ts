import { errorRateGuardrail } from './engine.fixtures';
import type { Guardrail } from '../../libs/plan/src/model';
import { evaluateGuardrail } from './guardrails';
import {
  healthyValue,
  nextChangeAfter,
  nextSimulatedReading,
  readSimulated,
  readingsAt,
  simulatedSource,
  timelineProblems,
  valueAt,
  type ScenarioTimelines,
} from './metric-source';
import { addSample, emptyWindow } from './samples';
import { emptyWatch, observeReadings, watchedMetrics, windowsOf } from './watch';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 22, 9, 0);

const scenario: ScenarioTimelines = {
  error_rate: [
    { at: 'P15DT2H', value: 7.5 },
    { at: 'P15DT2H30M', value: 0.4 },
  ],
  availability: [{ at: 'P3D', value: 98 }],
};
const defaults = { error_rate: 0.4, availability: 99.95 };

describe('simulated metric source', () => {
  const source = simulatedSource(scenario, START, defaults);

  test('a metric holds its default until its first change, then each value until the next', () => {
    expect(valueAt(source, 'error_rate', START)).toBe(0.4);
    expect(valueAt(source, 'error_rate', START + 15 * DAY + 2 * HOUR - 1)).toBe(0.4);
    expect(valueAt(source, 'error_rate', START + 15 * DAY + 2 * HOUR)).toBe(7.5);
    expect(valueAt(source, 'error_rate', START + 15 * DAY + 2 * HOUR + 29 * MIN)).toBe(7.5);
    expect(valueAt(source, 'error_rate', START + 15 * DAY + 3 * HOUR)).toBe(0.4);
    expect(valueAt(source, 'availability', START + 100 * DAY)).toBe(98);
  });

  test('a metric without a timeline has its default; without a default either, no data', () => {
    const withLatency = simulatedSource(scenario, START, { ...defaults, latency: 120 });
    expect(valueAt(withLatency, 'latency', START + DAY)).toBe(120);
    expect(valueAt(source, 'latency', START + DAY)).toBeNull();
    expect(valueAt(simulatedSource(scenario, START), 'error_rate', START)).toBeNull();
  });

  test('metric names are not looked up on Object.prototype', () => {
    expect(valueAt(source, 'constructor', START)).toBeNull();
    expect(valueAt(source, 'toString', START)).toBeNull();
  });

  test('nextChangeAfter gives the next change of any metric, strictly after t, then null', () => {
    expect(nextChangeAfter(source, START)).toBe(START + 3 * DAY);
    expect(nextChangeAfter(source, START + 3 * DAY)).toBe(START + 15 * DAY + 2 * HOUR);
    expect(nextChangeAfter(source, START + 15 * DAY + 2 * HOUR)).toBe(START + 15 * DAY + 2 * HOUR + 30 * MIN);
    expect(nextChangeAfter(source, START + 16 * DAY)).toBeNull();
  });

  test('sleeping from change to change visits each change once: a few wake-ups for months', () => {
    const wakes: number[] = [];
    for (let t: number | null = START; t !== null; t = nextChangeAfter(source, t)) wakes.push(t);
    expect(wakes.map((t) => (t - START) / HOUR)).toEqual([0, 72, 362, 362.5]);
  });

  test('points may come in any order, and points repeating the value in force are no change', () => {
    const noisy = simulatedSource(
      {
        error_rate: [
          { at: 'P2D', value: 9 },
          { at: 'P1D', value: 0.4 },
          { at: 'P3D', value: 9 },
          { at: 'P4D', value: 0.4 },
        ],
      },
      START,
      defaults,
    );
    expect(noisy.changes.error_rate).toEqual([
      { at: START + 2 * DAY, value: 9 },
      { at: START + 4 * DAY, value: 0.4 },
    ]);
    expect(nextChangeAfter(noisy, START)).toBe(START + 2 * DAY);
  });

  test('an offset of zero means from the start, and null means the source has no data', () => {
    const s = simulatedSource(
      {
        error_rate: [
          { at: 'PT0S', value: 3 },
          { at: 'PT1H', value: null },
        ],
      },
      START,
      defaults,
    );
    expect(valueAt(s, 'error_rate', START)).toBe(3);
    expect(valueAt(s, 'error_rate', START + HOUR)).toBeNull();
  });

  test('readingsAt answers like a real source queried at t', () => {
    expect(readingsAt(source, ['error_rate', 'availability'], START + 4 * DAY)).toEqual([
      { metric: 'error_rate', value: 0.4, at: START + 4 * DAY },
      { metric: 'availability', value: 98, at: START + 4 * DAY },
    ]);
  });

  test('is plain data that survives JSON', () => {
    expect(JSON.parse(JSON.stringify(source))).toEqual(source);
  });

  describe('validation', () => {
    test('reports every problem with its path', () => {
      const bad = {
        error_rate: [
          { at: 'P1X', value: 1 },
          { at: 'PT1H', value: 'high' },
          { at: 'PT60M', value: 2 },
          { at: '-PT1H', value: 2 },
        ],
        'bad metric': [],
        latency: 'PT5M',
        availability: [null],
      } as unknown as ScenarioTimelines;
      expect(timelineProblems(bad)).toEqual([
        'metrics.error_rate[0].at: "P1X" is not an ISO-8601 duration offset such as PT0S, PT30M or P15DT2H',
        'metrics.error_rate[1].value: "high" must be a number or null',
        'metrics.error_rate[2].at: the same offset as metrics.error_rate[1]',
        'metrics.error_rate[3].at: "-PT1H" is not an ISO-8601 duration offset such as PT0S, PT30M or P15DT2H',
        'metrics."bad metric": not a metric name',
        'metrics.latency: must be a list of { at, value } points',
        'metrics.availability[0].at: undefined is not an ISO-8601 duration offset such as PT0S, PT30M or P15DT2H',
        'metrics.availability[0].value: undefined must be a number or null',
      ]);
    });

    test('a valid scenario has none, and an invalid one cannot be compiled', () => {
      expect(timelineProblems(scenario)).toEqual([]);
      expect(() => simulatedSource({ error_rate: [{ at: 'soon', value: 1 }] }, START)).toThrow(
        /invalid metric scenario:\nmetrics\.error_rate\[0\]\.at/,
      );
    });
  });

  test('drives a guardrail breach without polling: wake at the change and when its window has passed', () => {
    const guardrail: Guardrail = errorRateGuardrail({ action: { type: 'rollback' } });
    // Values hold until they change, so readings taken only at changes cover the time between them.
    const options = { maxGapMs: Number.POSITIVE_INFINITY };
    const change = START + 15 * DAY + 2 * HOUR;
    let window = emptyWindow('error_rate');
    for (const t of [START, START + 3 * DAY, change]) {
      window = addSample(window, readingsAt(source, ['error_rate'], t)[0], 5 * MIN);
    }
    expect(evaluateGuardrail(guardrail, window.samples, change, options).outcome).toBe('ok');

    const windowEnd = change + 5 * MIN;
    window = addSample(window, readingsAt(source, ['error_rate'], windowEnd)[0], 5 * MIN);
    const breach = evaluateGuardrail(guardrail, window.samples, windowEnd, options);
    expect(breach.outcome).toBe('breach');
    expect(breach.reason).toBe('error_rate > 5% for 5 minutes: 2 readings from 11:00 to 11:05, all above');
  });
});

describe('reading a simulated source only when it matters', () => {
  const guardrail = errorRateGuardrail(); // error_rate > 5 for 5 minutes
  const source = simulatedSource(scenario, START, defaults);

  test('the next reading is the next change or the end of a window already opened, whichever is first', () => {
    expect(nextSimulatedReading(source, START, [])).toBe(START + 3 * DAY);
    expect(nextSimulatedReading(source, START, [START + 5 * MIN])).toBe(START + 5 * MIN);
    expect(nextSimulatedReading(source, START + 16 * DAY, [])).toBeNull();
  });

  test('reading at changes and window ends catches "above 5% for 5 minutes" exactly when it becomes true', () => {
    const watch = emptyWatch();
    const windows = windowsOf([guardrail]);
    expect(windows).toEqual([5 * MIN]);
    let t: number | null = START + 15 * DAY; // the phase starts here
    let windowEnds: number[] = [];
    const found: number[] = [];
    let readings = 0;
    let lastAt: number | undefined;
    while (t !== null && found.length === 0) {
      // Timers fire a few milliseconds late, as on a real server.
      const at: number = t + 3;
      readings++;
      const reading = readSimulated(source, watchedMetrics([guardrail]), at, { windowEnds, windows, lastAt });
      lastAt = at;
      const breaches = observeReadings(watch, [guardrail], reading.readings, at, { maxGapMs: Infinity });
      if (breaches.length) found.push(at);
      ({ windowEnds, next: t } = reading);
    }
    expect(found).toEqual([START + 15 * DAY + 2 * HOUR + 5 * MIN + 6]);
    expect(readings).toBeLessThan(6); // not one per minute of a 2-hour stretch
  });

  test('a healthy default satisfies every guardrail on the metric, preferring 0', () => {
    expect(healthyValue([{ operator: '>', threshold: 5 }])).toBe(0);
    expect(healthyValue([{ operator: '<', threshold: 99.9 }])).toBe(99.9);
    expect(healthyValue([{ operator: '>=', threshold: 0 }])).toBe(-1);
    expect(
      healthyValue([
        { operator: '<=', threshold: 99 },
        { operator: '>', threshold: 200 },
      ]),
    ).toBe(100);
  });
});
