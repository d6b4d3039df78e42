import type { GuardrailReadingRecord } from '../../../../libs/persistence/src';
import type { GuardrailReading } from '../../../../workflows/engine/watch';
import { withWatchedReadings } from './rollout-reads.service';

// A Prometheus-read phase keeps its readings out of history: the phase answers "no readings", the watcher's
// row in the database says how the guardrail stands. rollout(id) shows the row; breached stays the phase's.

const answered = (guardrailId: string): GuardrailReading => ({
  guardrailId,
  metric: guardrailId,
  condition: `${guardrailId} > 5%`,
  outcome: 'no_data',
  value: null,
  reason: 'no data (no readings), inconclusive',
  breached: true,
  noData: { cause: 'no-readings', detail: 'no readings', policy: 'inconclusive' },
  readings: 0,
});
const row: GuardrailReadingRecord = {
  rolloutId: 'r1',
  phaseId: 'pilot',
  guardrailId: 'error-rate',
  metric: 'error_rate',
  outcome: 'ok',
  value: 1,
  reason: 'error_rate 1% for 10 seconds, not above 5%',
  latest: { metric: 'error_rate', value: 0.01, at: 5, unit: 'ratio' },
  readings: 6,
  noData: null,
  updatedAt: new Date(0),
};

test("the watcher's row replaces the phase's standing; breached and the other guardrails stay", () => {
  const [watched, other] = withWatchedReadings([answered('error-rate'), answered('latency')], [row]);
  expect(watched).toEqual({
    guardrailId: 'error-rate',
    metric: 'error-rate',
    condition: 'error-rate > 5%',
    outcome: 'ok',
    value: 1,
    reason: row.reason,
    breached: true,
    latest: row.latest,
    readings: 6,
  });
  expect(other).toEqual(answered('latency'));
});

test('no rows (pushed or simulated readings): the phase answer as it is', () => {
  const list = [answered('error-rate')];
  expect(withWatchedReadings(list, [])).toBe(list);
});

test('a row without data carries its no-data state', () => {
  const noData = { cause: 'unmapped', detail: 'checkout_latency has no entry', policy: 'inconclusive' };
  const [g] = withWatchedReadings(
    [answered('error-rate')],
    [{ ...row, outcome: 'no_data', noData, latest: null }],
  );
  expect(g).toMatchObject({ outcome: 'no_data', noData });
  expect(g).not.toHaveProperty('latest');
});
