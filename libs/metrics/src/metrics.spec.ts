import { ApiMetrics } from './api-metrics';
import { auditMetricEvent } from './audit-events';
import { familiesOf, mergeExpositions } from './exposition';
import { codeLabel } from './names';
import { WorkerMetrics } from './worker-metrics';
import { findPromtool, promtoolCheck } from '../../../test/support/metrics-scrape';

const promtool = findPromtool();
if (!promtool && process.env.REQUIRE_MONITORING === '1')
  throw new Error('REQUIRE_MONITORING=1 but promtool (Debian package prometheus) is not installed');
const withPromtool = promtool ? test : test.skip;

describe('mergeExpositions', () => {
  const ours = '# HELP a_total A.\n# TYPE a_total counter\na_total 1\n';
  const theirs =
    '# HELP a_total Again.\n# TYPE a_total counter\na_total 7\n# HELP t_seconds T.\n# TYPE t_seconds histogram\nt_seconds_bucket{le="+Inf"} 2\nt_seconds_sum 3\nt_seconds_count 2\n';

  test('drops the families ours already declares, keeps the rest whole', () => {
    const merged = mergeExpositions(ours, theirs);
    expect(merged.match(/^# TYPE a_total/gm)).toHaveLength(1);
    expect(merged).toContain('a_total 1');
    expect(merged).not.toContain('a_total 7');
    expect(merged).toContain('t_seconds_count 2');
    expect([...familiesOf(merged)].sort()).toEqual(['a_total', 't_seconds']);
  });
});

describe('auditMetricEvent', () => {
  const transition = (target: string, what: string) =>
    auditMetricEvent({ action: 'rollout.transition', target, payload: { what } });

  test('reads phase entries, rollback starts and outcomes from the workflow transitions', () => {
    expect(transition('RUNNING', 'entered phase Pilot')).toMatchObject({
      phaseEntered: true,
      rollbackStarted: false,
    });
    expect(transition('ROLLING_BACK', 'rollback (quick) by olga: bad')).toMatchObject({
      rollbackStarted: true,
    });
    expect(transition('ROLLING_BACK', 'rollback step revert retried by olga')).toMatchObject({
      rollbackStarted: false,
    });
    expect(transition('ROLLED_BACK', 'rolled back')).toMatchObject({ rollbackOutcome: 'ROLLED_BACK' });
    expect(transition('RUNNING', 'resumed by olga')).not.toHaveProperty('rollbackOutcome');
    expect(auditMetricEvent({ action: 'guardrail.breach', target: 'errors', payload: {} })).toEqual({
      kind: 'breach',
      guardrail: 'errors',
    });
    expect(auditMetricEvent({ action: 'item.complete', target: 'x', payload: {} })).toBeUndefined();
  });
});

test('codeLabel keeps our codes and bounds anything else', () => {
  expect(codeLabel('FORBIDDEN')).toBe('FORBIDDEN');
  expect(codeLabel('rollout-42')).toBe('OTHER');
  expect(codeLabel(undefined)).toBe('OTHER');
});

withPromtool('promtool check metrics passes on both registries with every metric set', async () => {
  const api = new ApiMetrics(() =>
    Promise.resolve([{ plan: 'p', status: 'RUNNING', count: 2 }]),
  ).withProcessMetrics();
  api.actions.inc({ action: 'startRollout', outcome: 'accepted', code: 'none' });
  api.alerts.inc({ outcome: 'skipped', reason: 'resolved' });
  api.graphqlDuration.observe({ type: 'mutation', field: 'startRollout', outcome: 'ok' }, 0.2);
  api.httpDuration.observe({ method: 'POST', route: '/graphql', status_code: '200' }, 0.2);
  const worker = new WorkerMetrics().withProcessMetrics();
  worker.transitions.inc({ plan: 'p', status: 'RUNNING' });
  worker.phaseEntries.inc({ plan: 'p' });
  worker.rollbacksStarted.inc({ plan: 'p' });
  worker.rollbackDuration.observe({ plan: 'p', outcome: 'ROLLED_BACK' }, 12);
  worker.guardrailEvaluations.inc({ plan: 'p', guardrail: 'g', outcome: 'HEALTHY' });
  worker.guardrailBreaches.inc({ plan: 'p', guardrail: 'g' });
  worker.guardrailNoData.inc({ plan: 'p', guardrail: 'g' });
  worker.notifications.inc({ channel: 'ops', outcome: 'sent' });
  const apiText = await api.registry.metrics();
  expect(apiText).toContain('rollout_engine_rollouts{plan="p",status="RUNNING"} 2');
  for (const text of [apiText, await worker.registry.metrics()])
    expect(promtoolCheck(promtool!, text)).toEqual({ ok: true, output: '' });
});
