import { importMarkdown } from '../../../../libs/plan/src';
import { toReport } from './plans.mapper';

describe('toReport', () => {
  test('gives the API each understood line with its facts, and each line not understood with what it was kept as', () => {
    const { report } = importMarkdown(
      '# Search v3\n\nWhy we do it.\n\n## Phase 1: Canary (3 days)\n- Sign-off from product\n\n## Risks\n',
    );
    const answer = toReport(report);
    expect(answer?.mappedLines).toBe(3);
    expect(answer?.mapped).toEqual([
      { line: 1, to: 'metadata', facts: ['name search-v3'] },
      { line: 5, to: 'phases[0]', facts: ['phase 1 "Canary"', 'phase 1 min P3D'] },
      {
        line: 6,
        to: 'phases[0].checklist[0]',
        facts: ['phase 1 approval by product', 'phase 1 item approval'],
      },
    ]);
    expect(answer?.unmapped).toEqual([
      { line: 3, text: 'Why we do it.', keptAs: 'metadata.description' },
      { line: 8, text: '## Risks', keptAs: undefined },
    ]);
  });
});
