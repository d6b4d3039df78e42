import { errorRateGuardrail } from './engine.fixtures';
import { observeReadings, emptyWatch } from './watch';

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
