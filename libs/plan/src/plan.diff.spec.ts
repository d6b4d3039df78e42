import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importMarkdown } from './markdown/import';
import { planChanges } from './plan.diff';
import type { RolloutPlan } from './plan.schema';

const merchant = (): RolloutPlan =>
  importMarkdown(readFileSync(join(__dirname, '../../../examples/merchant-platform.md'), 'utf8')).plan;

describe('planChanges', () => {
  test('the same plan has no changes, even when its lines moved', () => {
    const a = merchant();
    const b = merchant();
    for (const p of b.phases) p.source = { line: (p.source?.line ?? 1) + 10 };
    expect(planChanges(a, b)).toEqual([]);
  });

  test('names each change in plan order, with old and new values', () => {
    const a = merchant();
    const b = merchant();
    b.phases[1].duration = { min: 'P7D' };
    b.phases[1].checklist.push({ id: 'exec-demo', title: 'Exec demo', kind: 'manual' });
    b.phases[0].checklist.splice(0, 1);
    b.guardrails[0].threshold = 3;
    b.reviews.pop();
    b.flags.push({ key: 'dark_mode', default: false });
    const removedItem = a.phases[0].checklist[0].id;
    expect(planChanges(a, b)).toEqual([
      'flag dark_mode added',
      `phase internal-dogfood: item ${removedItem} removed`,
      'phase pilot-merchants: duration {"min":"P2W"} → {"min":"P7D"}',
      'phase pilot-merchants: item exec-demo added',
      `guardrail ${a.guardrails[0].id}: threshold ${a.guardrails[0].threshold} → 3`,
      `review ${a.reviews[a.reviews.length - 1].id} removed`,
    ]);
  });

  test('reordered phases are a change', () => {
    const a = merchant();
    const b = merchant();
    b.phases.reverse();
    expect(planChanges(a, b)).toEqual(['phases reordered']);
  });
});
