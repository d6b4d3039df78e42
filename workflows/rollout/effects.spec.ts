import type { Phase, RolloutPlan } from '../../libs/plan/src/model';
import type { EngineState } from '../engine/messages';
import { messageCompensation } from './effects';

const pilot: Phase = {
  id: 'pilot-merchants',
  name: 'Pilot Merchants',
  flags: {},
  checklist: [],
  communications: [
    {
      audience: 'Pilot Merchants',
      channel: 'email',
      message: 'Kwik integration is live for your store today.',
    },
    {
      audience: 'Pilot Merchants',
      channel: 'email',
      message: 'Kwik integration is live: here is the guide.',
    },
    {
      audience: 'Pilot Merchants',
      channel: 'in-app',
      message: 'Kwik integration is live for your store today.',
    },
  ],
};
const plan = { metadata: { name: 'merchant', title: 'Merchant Platform' }, phases: [pilot] } as RolloutPlan;
const state = { plan: 'merchant' } as EngineState;

describe('compensations of phase messages', () => {
  test('read differently for every message of a phase, naming the channel, the message and a quote', () => {
    const titles = pilot.communications.map(
      (_, i) => messageCompensation({ plan, state, distinctTitles: true }, pilot, i).title,
    );
    expect(titles).toEqual([
      'Tell Pilot Merchants (email) to disregard Pilot Merchants message 1: "Kwik integration is live for your store today."',
      'Tell Pilot Merchants (email) to disregard Pilot Merchants message 2: "Kwik integration is live: here is the guide."',
      'Tell Pilot Merchants (in-app) to disregard Pilot Merchants message 3: "Kwik integration is live for your store today."',
    ]);
    const long = { ...pilot, communications: [{ message: 'x'.repeat(80) }] };
    expect(messageCompensation({ plan, state, distinctTitles: true }, long, 0).title).toBe(
      `Tell default (default) to disregard Pilot Merchants message 1: "${'x'.repeat(47)}…"`,
    );
    expect(messageCompensation({ plan, state, distinctTitles: true }, pilot, 0)).toHaveProperty(
      'message',
      'Rolled back: Merchant Platform has left phase Pilot Merchants. Please disregard: "Kwik integration is live for your store today."',
    );
  });

  test('keep their former titles in runs recorded before', () => {
    expect(messageCompensation({ plan, state, distinctTitles: false }, pilot, 0).title).toBe(
      'Tell Pilot Merchants the Pilot Merchants change was rolled back',
    );
  });
});
