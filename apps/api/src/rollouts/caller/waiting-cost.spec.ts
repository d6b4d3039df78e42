import { TEMPORAL_READ_COST, WAITING_SCAN_CAP, waitingOnMeCost } from '../../common/query-limits';

test('waitingOnMe costs the rollout reads it makes at most, plus a page of its selection', () => {
  expect(WAITING_SCAN_CAP * TEMPORAL_READ_COST).toBe(2_500);
  expect(waitingOnMeCost({ args: {}, childComplexity: 10 })).toBe(2_500 + 20 * 10);
  expect(waitingOnMeCost({ args: { first: 100 }, childComplexity: 12 })).toBe(2_500 + 1_200);
  // Two of them in one operation are over the default limit (5,000): each reads up to 25 rollouts.
  expect(2 * waitingOnMeCost({ args: { first: 100 }, childComplexity: 3 })).toBeGreaterThan(5_000);
});
