import { screen, within } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { GuardrailTiles, Messages, outcomeLook, Reviews } from './RolloutPanels';

describe('guardrail tiles', () => {
  it('reads every outcome the API spells, NO_DATA included', () => {
    expect(['ok', 'breach', 'inconclusive', 'NO_DATA', 'no-data'].map((o) => outcomeLook(o).label)).toEqual([
      'ok',
      'breach',
      'inconclusive',
      'no data',
      'no data',
    ]);
  });

  it('shows condition, latest reading (or that there is none) and outcome per guardrail', () => {
    renderUi(
      <GuardrailTiles
        guardrails={[
          {
            id: 'g1',
            title: 'Errors',
            metric: 'error_rate',
            condition: 'error_rate > 5% for 5 minutes',
            outcome: 'breach',
            value: 7,
            latestValue: 7,
            latestAt: '2026-03-10T12:00:00Z',
            reason: 'above threshold',
            breached: true,
            readings: 3,
          },
          {
            id: 'g2',
            metric: 'queue_backlog',
            condition: 'queue_backlog > 1000',
            outcome: 'NO_DATA',
            reason: 'no readings',
            breached: false,
            readings: 0,
          },
        ]}
      />,
    );
    const errors = screen.getByRole('article', { name: 'Guardrail Errors' });
    expect(within(errors).getByText('breach')).toBeTruthy();
    expect(within(errors).getByText('error_rate > 5% for 5 minutes')).toBeTruthy();
    expect(within(errors).getByText(/Latest reading: 7/)).toBeTruthy();
    expect(within(errors).getByText('Breached in this phase.')).toBeTruthy();
    const backlog = screen.getByRole('article', { name: 'Guardrail queue_backlog' });
    expect(within(backlog).getByText('Latest reading: no data')).toBeTruthy();
    expect(within(backlog).getByText('no data')).toBeTruthy();
  });
});

describe('reviews', () => {
  it('says who did a review, when one is due, and that one was cancelled', () => {
    renderUi(
      <Reviews
        reviews={[
          {
            id: 'w2',
            title: 'Week 2',
            status: 'DONE',
            completedBy: 'rita',
            completedAt: '2026-03-10T12:00:00Z',
          },
          { id: 'w4', title: 'Week 4', status: 'DUE', dueAt: '2026-03-20T12:00:00Z' },
          { id: 'm3', title: 'Month 3', status: 'CANCELLED', cancelledAt: '2026-03-11T12:00:00Z' },
        ]}
      />,
    );
    expect(screen.getByText(/Week 2 — done by rita/)).toBeTruthy();
    expect(screen.getByText(/Week 4 — due/)).toBeTruthy();
    expect(screen.getByText(/Month 3 — cancelled/)).toBeTruthy();
    expect(screen.getByText('cancelled')).toBeTruthy();
  });
});

describe('messages', () => {
  it('lists each message with its channel and delivery, saying when it was only recorded', () => {
    renderUi(
      <Messages
        messages={[
          {
            id: '1',
            channel: 'release',
            message: 'Pilot starts',
            status: 'recorded',
            createdAt: '2026-03-10T12:00:00Z',
          },
          {
            id: '2',
            channel: 'escalation',
            audience: 'ops',
            message: 'Rollback step failed',
            status: 'failed',
            lastError: 'HTTP 500',
            createdAt: '2026-03-10T12:05:00Z',
          },
        ]}
      />,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/release.*Pilot starts.*recorded \(no webhook\)/),
      expect.stringMatching(/escalation → ops.*Rollback step failed.*failed.*HTTP 500/),
    ]);
  });
});
