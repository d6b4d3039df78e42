import { screen, within } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { LineReport, reportLines } from './LineReport';

const source = [
  '# Plan',
  '',
  '## Phase 1: Staging (1 week)',
  '- [ ] Fixtures loaded',
  'Some prose we keep',
  '- roles: ???',
  '## Risks',
].join('\n');
const report = {
  mappedLines: 3,
  mapped: [
    { line: 1, to: 'metadata', facts: ['name plan'] },
    { line: 3, to: 'phases[0]', facts: ['phase 1 "Staging"', 'phase 1 min P1W'] },
    { line: 4, to: 'phases[0].checklist[0]', facts: ['phase 1 item manual'] },
  ],
  unmapped: [
    { line: 5, text: 'Some prose we keep', keptAs: 'phases[0].description' },
    { line: 7, text: '## Risks', keptAs: null },
  ],
  notes: [{ line: 3, text: 'week 1 read as a soak of P1W' }],
  errors: [
    { line: 6, path: 'phases[0].checklist[1].roles', message: 'invalid role name' },
    { line: null, path: '', message: 'the plan has no rollback level' },
  ],
};

describe('reportLines', () => {
  it('marks every line: error wins; understood lines are mapped (or a note); any other is not understood', () => {
    const { lines, documentErrors } = reportLines(source, report);
    expect(lines.map((l) => [l.line, l.kind])).toEqual([
      [1, 'mapped'],
      [2, 'blank'],
      [3, 'note'],
      [4, 'mapped'],
      [5, 'not understood'],
      [6, 'error'],
      [7, 'not understood'],
    ]);
    expect(lines[2].facts).toEqual(['phase 1 "Staging"', 'phase 1 min P1W']);
    expect(lines[4]).toMatchObject({ facts: [], keptAs: 'phases[0].description' });
    expect(lines[6].keptAs).toBeUndefined();
    expect(lines[5].messages).toEqual(['phases[0].checklist[1].roles: invalid role name']);
    expect(lines[2].messages).toEqual(['week 1 read as a soak of P1W']);
    expect(documentErrors).toEqual(['the plan has no rollback level']);
  });

  it('reports a line the importer gave no account of as not understood, never as mapped', () => {
    const empty = { mappedLines: 0, mapped: [], unmapped: [], notes: [], errors: [] };
    expect(reportLines('# Plan\n- x', empty).lines.map((l) => l.kind)).toEqual([
      'not understood',
      'not understood',
    ]);
  });

  it('handles Windows line ends', () => {
    const empty = { mappedLines: 0, mapped: [], unmapped: [], notes: [], errors: [] };
    expect(reportLines('a\r\nb', empty).lines.map((l) => l.text)).toEqual(['a', 'b']);
  });
});

describe('<LineReport>', () => {
  it('lists the non-blank lines with the facts they became or what they were kept as, and document errors as alerts', () => {
    renderUi(<LineReport source={source} report={report} />);
    expect(screen.getByText(/3 lines mapped .*, 2 not understood, 1 with errors, 1 with notes/)).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual([
      'mapped',
      'note',
      'mapped',
      'not understood',
      'error',
      'not understood',
    ]);
    const facts = within(rows[1]).getByRole('list', { name: 'Facts from line 3' });
    expect(
      within(facts)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['phase 1 "Staging"', 'phase 1 min P1W']);
    expect(within(rows[3]).getByText('kept as phases[0].description')).toBeTruthy();
    expect(within(rows[5]).queryByText(/kept as/)).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('the plan has no rollback level');
  });
});
