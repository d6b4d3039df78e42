import { phasePlace, waitingForOf } from './summary-facts';

test('what a list row waits for, by status only; nothing once closed', () => {
  expect(waitingForOf('WAITING_FOR_SIGN_OFF')).toBe('sign-off');
  expect(waitingForOf('PAUSED')).toBe('resume');
  expect(waitingForOf('ROLLBACK_FAILED')).toBe('rollback step');
  expect(waitingForOf('COMPLETED')).toBeUndefined();
  expect(waitingForOf('TERMINATED')).toBeUndefined();
});

test("the current phase's place among the plan's phases", () => {
  const ids = JSON.stringify(['canary', 'pilot', 'ga']);
  expect(phasePlace(ids, 'pilot')).toEqual({ phaseIndex: 2, phaseCount: 3 });
  expect(phasePlace(ids, null)).toEqual({ phaseIndex: undefined, phaseCount: 3 });
  expect(phasePlace(null, 'pilot')).toEqual({});
  expect(phasePlace('not json', 'pilot')).toEqual({});
});
