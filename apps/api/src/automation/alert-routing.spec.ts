import type { RolloutPlan } from '../../../../libs/plan/src';
import { alertReason, targetOf } from './alert-routing';
import { AlertmanagerPayloadSchema, payloadProblems, type Alert } from './alertmanager.payload';

const plan: Pick<RolloutPlan, 'manualTriggers' | 'guardrails'> = {
  manualTriggers: [
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
const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}): Alert => ({
  status: 'firing',
  labels,
  annotations,
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
