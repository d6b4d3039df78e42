import { screen } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { chartPoints, ReadingsChart } from './ReadingsChart';

const recent = [
  { at: '2026-03-10T12:00:00Z', value: 2 },
  { at: '2026-03-10T12:01:00Z', value: null },
  { at: '2026-03-10T12:02:00Z', value: 0.07, unit: 'ratio' },
  { at: '2026-03-10T12:03:00Z', value: 7, unit: '%' },
];

describe('readings chart', () => {
  it('draws readings with a value in the guardrail unit only', () => {
    expect(chartPoints(recent, '%')).toEqual([
      { t: Date.parse('2026-03-10T12:00:00Z'), value: 2 },
      { t: Date.parse('2026-03-10T12:03:00Z'), value: 7 },
    ]);
  });

  it('describes the readings against the threshold in words, and draws nothing without readings', () => {
    const { container, rerender } = renderUi(
      <ReadingsChart recent={recent} threshold={5} unit="%" label="Readings of error_rate" />,
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Readings of error_rate: 2 recent readings from 2% to 7%, threshold 5%',
    );
    expect(container.querySelector('svg')).not.toBeNull();
    rerender(<ReadingsChart recent={[]} threshold={5} unit="%" label="x" />);
    expect(screen.queryByRole('img')).toBeNull();
  });
});
