import { phaseWorkflowId, rolloutWorkflowId } from '../../../../workflows/engine/messages';
import { assertNewRolloutId, NEW_ROLLOUT_ID_PATTERN, newRolloutIdProblem } from './rollout-id';

describe('new rollout ids', () => {
  test.each([
    'coll',
    'a',
    '0',
    'admin-panel-2026-05',
    'phased',
    'phases-1',
    'my-phaser',
    'p',
    'x'.repeat(63),
  ])('%s is accepted', (id) => {
    expect(newRolloutIdProblem(id)).toBeUndefined();
    expect(() => assertNewRolloutId(id)).not.toThrow();
  });

  test.each([
    ['phase', '"phase" alone'],
    ['coll-phase-staging', '"phase" as a word in the middle'],
    ['phase-1', '"phase" as the first word'],
    ['coll-phase', '"phase" as the last word'],
    ['Coll', 'upper case'],
    ['-coll', 'a leading dash'],
    ['coll_1', 'an underscore'],
    ['coll 1', 'a space'],
    ['coll\u0000', 'a NUL'],
    ['', 'empty'],
    ['x'.repeat(64), '64 characters'],
  ])('%j is refused (%s), naming the rule', (id) => {
    expect(newRolloutIdProblem(id)).toMatch(/without "phase" as a dash-separated word/);
    let thrown: unknown;
    try {
      assertNewRolloutId(id);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  test("no accepted id's workflow ID is another accepted id's phase workflow ID", () => {
    const ids = ['coll', 'coll-a', 'coll-staging', 'a-b-c', 'phased', 'x-phases-y', 'staging'];
    const phases = ['staging', 'a', 'phase', 'b-c', 'phase-2'];
    for (const id of ids) expect(NEW_ROLLOUT_ID_PATTERN.test(id)).toBe(true);
    const rolloutIds = new Set(ids.map(rolloutWorkflowId));
    for (const owner of ids)
      for (const phase of phases) expect(rolloutIds.has(phaseWorkflowId(owner, phase))).toBe(false);
    // The collision of the issue: "coll"'s phase "staging" is what "coll-phase-staging" would be named.
    expect(rolloutWorkflowId('coll-phase-staging')).toBe(phaseWorkflowId('coll', 'staging'));
    expect(newRolloutIdProblem('coll-phase-staging')).toBeDefined();
  });
});
