import { importMarkdown } from './import';
import { auditImport } from './import.audit';
import { isGenericTitle, nameOfFile } from './import.name';

/** The honest report: a line is understood only when it gave the plan at least one fact. */
describe('the import report', () => {
  const text = [
    '# Search v3',
    '',
    'We replace the ranking service.',
    '',
    '## Phase 1: Canary (3 days)',
    '',
    'Careful and boring.',
    '',
    '**Owner:** search-team',
    '',
    '- Up to 5% of queries',
    '- Sign-off from product',
    '',
    '## Guardrails',
    '- Error rate > 2% for 10 min',
    '',
    '## Risks',
    '- Relevance may drop',
  ].join('\n');
  const result = importMarkdown(text);
  const { report } = result;
  const factsOfLine = (line: number) => report.mapped.find((m) => m.line === line)?.facts;

  it('gives each understood line its facts, a heading included', () => {
    expect(factsOfLine(1)).toEqual(['name search-v3']);
    // The duration in the heading is the heading's fact, though no line was mapped to the duration.
    expect(factsOfLine(5)).toEqual(['phase 1 "Canary"', 'phase 1 min P3D']);
    expect(factsOfLine(9)).toEqual(['phase 1 owner search-team']);
    expect(factsOfLine(11)).toEqual(['phase 1 audience 5%']);
    expect(factsOfLine(12)).toEqual(['phase 1 approval by product', 'phase 1 item approval']);
    // A section heading stands for what its section gave.
    expect(factsOfLine(14)).toEqual(factsOfLine(15));
    expect(auditImport(text, result)).toEqual([]);
  });

  it('reports kept text that gave no fact as not understood, with what it was kept as', () => {
    expect(report.unmapped).toEqual([
      { line: 3, text: 'We replace the ranking service.', keptAs: 'metadata.description' },
      { line: 7, text: 'Careful and boring.', keptAs: 'phases[0].description' },
      { line: 17, text: '## Risks' },
      { line: 18, text: '- Relevance may drop' },
    ]);
  });

  it('is audited: a line claimed understood without a fact, or an element whose line is not, is a problem', () => {
    const emptied = {
      ...result,
      report: { ...report, mapped: report.mapped.map((m) => (m.line === 9 ? { ...m, facts: [] } : m)) },
    };
    expect(auditImport(text, emptied)).toEqual([
      'line 9 is reported understood as phases[0].owner but gave no fact',
    ]);
    const hidden = {
      ...result,
      report: {
        ...report,
        mapped: report.mapped.filter((m) => m.line !== 15),
        unmapped: [...report.unmapped, { line: 15, text: '- Error rate > 2% for 10 min' }],
      },
    };
    expect(auditImport(text, hidden)).toEqual([
      'guardrails[0] holds facts but its line 15 is reported not understood',
    ]);
  });
});

describe('the plan name', () => {
  it.each([
    ['Production Rollout Plan', true],
    ['Rollout plan', true],
    ['Release Plan (draft)', true],
    ['Rollout Plan – Admin Panel', false],
    ['Checkout v2 launch', false],
  ])('"%s" is generic: %s', (title, generic) => expect(isGenericTitle(title)).toBe(generic));

  it('comes from the file name when the title is generic or missing', () => {
    expect(nameOfFile('docs/plans/Merchant Platform.md')).toBe('merchant-platform');
    expect(nameOfFile('C:\\plans\\checkout_v2.markdown')).toBe('checkout-v2');
    expect(nameOfFile('.md')).toBeUndefined();
    const untitled = '## Phase 1: Pilot\n- onboard\n';
    expect(importMarkdown(untitled, { fileName: 'ops/search-reindex.md' }).plan.metadata.name).toBe(
      'search-reindex',
    );
    expect(importMarkdown(untitled).plan.metadata.name).toBe('rollout-plan');
  });
});
