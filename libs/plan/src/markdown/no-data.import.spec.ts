import { parsePlanDocument } from '../plan.document';
import { importMarkdown } from './import';
import { noDataOf } from './signal.mapper';

describe('a guardrail line may say what no data means', () => {
  test.each([
    ['Error rate > 5% for 5 min (no data = pause)', 'pause'],
    ['Error rate > 5% for 5 min; missing data counts as a breach', 'breach'],
    ['Error rate > 5% for 5 min, treat no data as inconclusive', 'inconclusive'],
    ['Error rate > 5% for 5 min', undefined],
  ])('%s → %s', (line, noData) => {
    expect(noDataOf(line).noData).toBe(noData);
  });

  test('imported into the guardrail; plans without it stay valid', () => {
    const { plan, report } = importMarkdown(
      '# Launch\n\n## Phase 1: Pilot\n- onboard\n\n## Guardrails\n- Error rate > 5% for 5 min, no data means pause\n- Queue backlog > 1000\n',
    );
    expect(report.errors).toEqual([]);
    expect(plan?.guardrails.map((g) => [g.metric, g.noData])).toEqual([
      ['error_rate', 'pause'],
      ['queue_backlog', undefined],
    ]);
  });

  test('the canonical YAML takes noData and refuses other values', () => {
    const yaml = (noData: string) =>
      `apiVersion: rollout/v1\nkind: RolloutPlan\nmetadata: { name: p }\nphases: [{ id: a, name: A }]\nguardrails:\n  - { id: e, metric: error_rate, operator: ">", threshold: 5, noData: ${noData}, action: { type: pause } }\n`;
    const ok = parsePlanDocument(yaml('breach'));
    expect(ok.ok && ok.plan.guardrails[0].noData).toBe('breach');
    expect(parsePlanDocument(yaml('ignore')).ok).toBe(false);
  });
});
