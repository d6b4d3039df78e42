import { errorRateGuardrail } from './engine.fixtures';
import { emptyWatch, guardrailReadings, observeReadings, RECENT_READINGS } from './watch';

const errorRate = errorRateGuardrail();
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 1);

test('a guardrail standing carries its threshold and its latest readings, oldest first, for a chart', () => {
  const watch = emptyWatch();
  const n = RECENT_READINGS + 5;
  for (let i = 0; i < n; i++)
    observeReadings(
      watch,
      [errorRate],
      [{ metric: 'error_rate', value: i % 3 ? 2 : null, at: t0 + i * MIN }],
      t0 + i * MIN,
    );
  const [rate] = guardrailReadings(watch, [errorRate], t0 + n * MIN);
  expect(rate).toMatchObject({ threshold: errorRate.threshold, operator: errorRate.operator });
  const recent = rate.recent ?? [];
  expect(recent.length).toBe(Math.min(RECENT_READINGS, rate.readings));
  expect(recent.at(-1)).toEqual({ at: t0 + (n - 1) * MIN, value: (n - 1) % 3 ? 2 : null });
  expect(recent.map((r) => r.at)).toEqual([...recent.map((r) => r.at)].sort((a, b) => a - b));
});
