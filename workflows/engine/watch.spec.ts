import { errorRateGuardrail } from './engine.fixtures';
import { observeReadings, emptyWatch, guardrailReadings } from './watch';

const errorRate = errorRateGuardrail();
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 1);

test('a guardrail breaches once its condition has held for the whole window, and is reported once', () => {
  const watch = emptyWatch();
  for (let i = 0; i < 5; i++) {
    expect(
      observeReadings(
        watch,
        [errorRate],
        [{ metric: 'error_rate', value: 7, at: t0 + i * MIN }],
        t0 + i * MIN,
      ),
    ).toEqual([]);
  }
  const breaches = observeReadings(
    watch,
    [errorRate],
    [{ metric: 'error_rate', value: 8, at: t0 + 5 * MIN }],
    t0 + 5 * MIN,
  );
  expect(breaches.map((b) => b.guardrail.id)).toEqual(['error-rate']);
  expect(breaches[0].evaluation.readings.map((r) => r.value)).toEqual([7, 7, 7, 7, 7, 8]);
  expect(
    observeReadings(watch, [errorRate], [{ metric: 'error_rate', value: 9, at: t0 + 6 * MIN }], t0 + 6 * MIN),
  ).toEqual([]);
});

test('one healthy reading inside the window keeps it ok; readings of other metrics are ignored', () => {
  const watch = emptyWatch();
  const values = [7, 7, 3, 7, 7, 7];
  const all = values.flatMap((v, i) =>
    observeReadings(watch, [errorRate], [{ metric: 'error_rate', value: v, at: t0 + i * MIN }], t0 + i * MIN),
  );
  expect(all).toEqual([]);
  observeReadings(watch, [errorRate], [{ metric: 'queue_backlog', value: 5000, at: t0 }], t0 + 6 * MIN);
  expect(Object.keys(watch.windows)).toEqual(['error_rate']);
});

test('readings show each guardrail as it stands, without changing the watch', () => {
  const watch = emptyWatch();
  const backlog = errorRateGuardrail({
    id: 'backlog',
    metric: 'queue_backlog',
    threshold: 1000,
    unit: undefined,
    window: undefined,
  });
  expect(guardrailReadings(watch, [errorRate, backlog], t0)).toEqual([
    expect.objectContaining({
      guardrailId: 'error-rate',
      outcome: 'no_data',
      breached: false,
      readings: 0,
    }),
    expect.objectContaining({
      guardrailId: 'backlog',
      outcome: 'no_data',
      breached: false,
      readings: 0,
    }),
  ]);
  for (let i = 0; i <= 2; i++)
    observeReadings(
      watch,
      [errorRate, backlog],
      [{ metric: 'error_rate', value: 7, at: t0 + i * MIN }],
      t0 + i * MIN,
    );
  observeReadings(
    watch,
    [errorRate, backlog],
    [{ metric: 'queue_backlog', value: 200, at: t0 + 2 * MIN }],
    t0 + 2 * MIN,
  );
  const before = JSON.stringify(watch);
  const [rate, queue] = guardrailReadings(watch, [errorRate, backlog], t0 + 2 * MIN);
  expect(JSON.stringify(watch)).toBe(before);
  // Above the threshold for two minutes of five: not yet a breach, not yet ok.
  expect(rate).toMatchObject({
    condition: 'error_rate > 5% for 5 minutes',
    outcome: 'inconclusive',
    breached: false,
    latest: { metric: 'error_rate', value: 7, at: t0 + 2 * MIN },
    readings: 3,
  });
  expect(queue).toMatchObject({
    condition: 'queue_backlog > 1000',
    outcome: 'ok',
    value: 200,
    breached: false,
  });

  for (let i = 3; i <= 5; i++)
    observeReadings(
      watch,
      [errorRate, backlog],
      [{ metric: 'error_rate', value: 8, at: t0 + i * MIN }],
      t0 + i * MIN,
    );
  expect(guardrailReadings(watch, [errorRate], t0 + 5 * MIN)[0]).toMatchObject({
    outcome: 'breach',
    value: 8,
    breached: true,
    latest: { value: 8, at: t0 + 5 * MIN },
  });
});
