import { screen } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { GateCard, gateClosed } from './GateCard';

const gate = { canSignOff: true, signers: ['release-manager'], missing: [] };

describe('<GateCard>', () => {
  it('says what is missing and offers Sign off phase while the phase runs', () => {
    renderUi(<GateCard phaseName="Pilot" gate={gate} checklist={[]} editable onSign={jest.fn()} />);
    expect(screen.getByText('Only the sign-off is left.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign off phase' })).toBeTruthy();
  });

  it('says the gate will not be signed once the rollout is rolling back, and offers nothing', () => {
    renderUi(
      <GateCard
        phaseName="Pilot"
        gate={gate}
        checklist={[]}
        editable={false}
        closed={gateClosed('ROLLING_BACK', 'CANCELLED')}
        onSign={jest.fn()}
      />,
    );
    expect(screen.getByText('Not signed: the rollout is being rolled back.')).toBeTruthy();
    expect(screen.queryByText(/Only the sign-off is left/)).toBeNull();
    expect(screen.queryByText(/Who may sign/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign off phase' })).toBeNull();
  });

  it('keeps the gate open while the phase runs, even when the rollout is paused', () => {
    expect(gateClosed('PAUSED', 'RUNNING')).toBeUndefined();
    expect(gateClosed('WAITING_FOR_SIGN_OFF', 'RUNNING')).toBeUndefined();
    expect(gateClosed('ROLLED_BACK', 'CANCELLED')).toMatch(/rolled back/);
    expect(gateClosed('ABORTED', 'CANCELLED')).toBe('Not signed: the phase is cancelled.');
  });
});
