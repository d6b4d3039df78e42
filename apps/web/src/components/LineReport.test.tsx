import { screen } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { LineReport, reportLines } from './LineReport';

const source = [
  '# Plan',
  '',
  '## Phase 1: Staging',
  '- [ ] Fixtures loaded',
  'Some prose we ignore',
  '- roles: ???',
].join('\n');
const report = {
  mappedLines: 3,
  unmapped: [{ line: 5, text: 'Some prose we ignore' }],
  notes: [{ line: 3, text: 'week 1 read as no soak' }],
  errors: [
    { line: 6, path: 'phases[0].checklist[1].roles', message: 'invalid role name' },
    { line: null, path: '', message: 'the plan has no rollback level' },
  ],
};

describe('reportLines', () => {
  it('marks every line: error wins, then not understood, then note; other non-blank lines are mapped', () => {
    const { lines, documentErrors } = reportLines(source, report);
    expect(lines.map((l) => [l.line, l.kind])).toEqual([
      [1, 'mapped'],
      [2, 'blank'],
      [3, 'note'],
      [4, 'mapped'],
      [5, 'not understood'],
      [6, 'error'],
    ]);
    expect(lines[5].messages).toEqual(['phases[0].checklist[1].roles: invalid role name']);
    expect(lines[2].messages).toEqual(['week 1 read as no soak']);
    expect(documentErrors).toEqual(['the plan has no rollback level']);
  });

  it('handles Windows line ends', () => {
    expect(
      reportLines('a\r\nb', { mappedLines: 2, unmapped: [], notes: [], errors: [] }).lines.map((l) => l.text),
    ).toEqual(['a', 'b']);
  });
});

describe('<LineReport>', () => {
  it('lists the non-blank lines with what they became, and the document errors as alerts', () => {
    renderUi(<LineReport source={source} report={report} />);
    expect(screen.getByText(/3 lines mapped, 1 not understood, 1 with errors, 1 with notes/)).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual([
      'mapped',
      'note',
      'mapped',
      'not understood',
      'error',
    ]);
    expect(screen.getByRole('alert').textContent).toBe('the plan has no rollback level');
  });
});
