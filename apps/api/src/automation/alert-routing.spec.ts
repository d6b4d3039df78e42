import type { RolloutPlan } from '../../../../libs/plan/src';
import {
  alertReason,
  answerStatus,
  checkRollout,
  chooseAction,
  type RolloutFacts,
  scopeOf,
  targetOf,
} from './alert-routing';
import { AlertmanagerPayloadSchema, payloadProblems, type Alert } from './alertmanager.payload';

const plan: Pick<RolloutPlan, 'manualTriggers' | 'guardrails'> & { metadata: { name: string } } = {
  metadata: { name: 'merchant-platform' },
  manualTriggers: [
    { id: 'tell-the-team', title: 'Heads up', action: { type: 'notify', channel: 'team' } },
    { id: 'policy-engine-misconfiguration', title: 'Mass blocks', action: { type: 'rollback' } },
  ],
  guardrails: [
    {
      id: 'error-rate',
      metric: 'error_rate',
      operator: '>',
      threshold: 5,
      window: 'PT5M',
      action: { type: 'rollback', level: 'quick' },
    },
    {
      id: 'queue-backlog',
      metric: 'queue_backlog',
      operator: '>',
      threshold: 1000,
      action: { type: 'pause' },
    },
  ],
};
const alert = (
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
  status: Alert['status'] = 'firing',
): Alert => ({ status, labels, annotations });
const ENDED = ['ROLLED_BACK', 'ROLLBACK_FAILED', 'COMPLETED', 'ABORTED'];
const running: RolloutFacts = { rolloutId: 'r1', plan: 'merchant-platform', status: 'RUNNING' };

describe('scope: an alert acts only on the rollouts it names', () => {
  test('label `rollout` names one rollout (with `plan`, which must then agree)', () => {
    expect(scopeOf(alert({ alertname: 'X', rollout: 'r1' }))).toEqual({ kind: 'rollout', rolloutId: 'r1' });
    expect(scopeOf(alert({ alertname: 'X', rollout: 'r1', plan: 'p' }))).toEqual({
      kind: 'rollout',
      rolloutId: 'r1',
      plan: 'p',
    });
  });
  test('label `plan` alone names the live rollouts of that plan', () => {
    expect(scopeOf(alert({ alertname: 'X', plan: 'merchant-platform' }))).toEqual({
      kind: 'plan',
      plan: 'merchant-platform',
    });
  });
  test('naming neither (or only blanks) names nothing: never "every rollout"', () => {
    expect(
      scopeOf(alert({ alertname: 'HighErrorRate', trigger: 'error-rate', service: 'payments' })),
    ).toEqual({
      kind: 'unnamed',
    });
    expect(scopeOf(alert({ alertname: 'X', rollout: ' ', plan: '' }))).toEqual({ kind: 'unnamed' });
  });
});

describe('checkRollout: whether the rollout named can take the alert', () => {
  const firing = alert({ alertname: 'error-rate', rollout: 'r1' });
  const scope = scopeOf(firing);
  test('a running rollout that exists takes a firing alert', () => {
    expect(checkRollout(firing, scope, 'r1', running, ENDED)).toBeUndefined();
  });
  test('an unknown rollout is skipped as such', () => {
    expect(checkRollout(firing, scope, 'r1', undefined, ENDED)).toMatchObject({
      kind: 'skip',
      reason: 'unknown-rollout',
      detail: 'no rollout "r1"',
    });
  });
  test('an ended rollout is skipped, naming its actual final status', () => {
    for (const status of ['ROLLED_BACK', 'COMPLETED', 'ABORTED', 'TERMINATED'])
      expect(checkRollout(firing, scope, 'r1', { ...running, status }, ENDED)).toEqual({
        kind: 'skip',
        reason: 'ended',
        detail: `rollout r1 has ended (${status})`,
      });
  });
  test('a resolved alert is skipped: nothing to undo', () => {
    const resolved = alert({ alertname: 'error-rate', rollout: 'r1' }, {}, 'resolved');
    expect(checkRollout(resolved, scope, 'r1', running, ENDED)?.reason).toBe('resolved');
  });
  test('labels `rollout` and `plan` that disagree: skipped, naming both plans', () => {
    const both = alert({ alertname: 'error-rate', rollout: 'r1', plan: 'checkout' });
    expect(checkRollout(both, scopeOf(both), 'r1', running, ENDED)).toMatchObject({
      reason: 'plan-mismatch',
      detail: 'rollout r1 runs plan merchant-platform, not checkout',
    });
  });
});

describe('chooseAction: the trigger the alert names, and its action', () => {
  test('a guardrail rollback carries its level and the alert as reason', () => {
    expect(
      chooseAction(plan, alert({ alertname: 'HighErrors', trigger: 'error-rate' }, { summary: '9%' })),
    ).toEqual({
      kind: 'act',
      action: 'rollback',
      level: 'quick',
      target: { triggerId: 'error-rate', kind: 'guardrail', action: { type: 'rollback', level: 'quick' } },
      reason: 'Alertmanager: HighErrors firing (guardrail error-rate): 9%',
    });
    expect(chooseAction(plan, alert({ alertname: 'queue-backlog' }))).toMatchObject({
      kind: 'act',
      action: 'pause',
    });
  });
  test('a name the plan does not have: skipped as unknown trigger, naming plan and name', () => {
    expect(chooseAction(plan, alert({ alertname: 'DiskFull' }))).toEqual({
      kind: 'skip',
      reason: 'unknown-trigger',
      detail: 'plan merchant-platform has no trigger or guardrail "DiskFull"',
    });
  });
  test('a notify trigger is not fired by alerts', () => {
    expect(chooseAction(plan, alert({ alertname: 'tell-the-team' }))).toMatchObject({
      kind: 'skip',
      reason: 'notify-only',
      triggerId: 'tell-the-team',
    });
  });
});

describe('answerStatus: what the batch answers', () => {
  test('200 when every alert was handled, whatever it did', () => {
    expect(answerStatus([])).toBe(200);
    expect(
      answerStatus([
        { outcome: 'rollback' },
        { outcome: 'skipped', reason: 'ended' },
        { outcome: 'refused', reason: 'engine-refused' },
      ]),
    ).toBe(200);
  });
  test('422 when some alert names no rollout or plan, even beside handled ones', () => {
    expect(answerStatus([{ outcome: 'rollback' }, { outcome: 'refused', reason: 'unnamed' }])).toBe(422);
  });
  test('503 (Alertmanager retries) when the engine could not be reached, before anything else', () => {
    expect(
      answerStatus([
        { outcome: 'refused', reason: 'unnamed' },
        { outcome: 'failed', reason: 'unreachable' },
      ]),
    ).toBe(503);
  });
});

test('an alert names a trigger by label `trigger`, else by `alertname`; a guardrail id counts too', () => {
  expect(targetOf(plan, alert({ alertname: 'HighErrors', trigger: 'error-rate' }))).toEqual({
    triggerId: 'error-rate',
    kind: 'guardrail',
    action: { type: 'rollback', level: 'quick' },
  });
  expect(targetOf(plan, alert({ alertname: 'policy-engine-misconfiguration' }))).toMatchObject({
    kind: 'manual trigger',
    action: { type: 'rollback' },
  });
  expect(targetOf(plan, alert({ alertname: 'queue-backlog' }))?.action).toEqual({ type: 'pause' });
  expect(targetOf(plan, alert({ alertname: 'DiskFull' }))).toBeUndefined();
  expect(targetOf(plan, alert({}))).toBeUndefined();
});

test('the reason names the alert, the trigger and the summary', () => {
  const a = alert({ alertname: 'HighErrors', trigger: 'error-rate' }, { summary: '5xx at 9%' });
  expect(alertReason(a, targetOf(plan, a)!)).toBe(
    'Alertmanager: HighErrors firing (guardrail error-rate): 5xx at 9%',
  );
});

test('a payload that is not Alertmanager version 4 is refused with each problem named', () => {
  const parsed = AlertmanagerPayloadSchema.safeParse({
    version: '3',
    status: 'firing',
    alerts: [{ status: 'on' }],
  });
  expect(parsed.success).toBe(false);
  expect(payloadProblems(parsed.error!)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^version: /),
      expect.stringMatching(/^receiver: /),
      expect.stringMatching(/^alerts\.0\.status: /),
      expect.stringMatching(/^alerts\.0\.labels: /),
    ]),
  );
});
