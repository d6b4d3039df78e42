import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { Client, type Exchange, getOperationName, makeResult, Provider } from 'urql';
import { filter, fromValue, mergeMap, never, pipe } from 'wonka';
import { renderUi } from '../../test/render';
import { FleetPage } from './FleetPage';
import { PlansPage } from './PlansPage';
import { RolloutPage } from './RolloutPage';
import { WaitingPage } from './WaitingPage';

// wouter ships only as an ES module, which this Jest setup does not load: its link and location, plainly.
jest.mock('wouter', () => {
  const { createElement } = jest.requireActual<typeof import('react')>('react');
  return {
    Link: ({ href, children }: { href: string; children?: import('react').ReactNode }) =>
      createElement('a', { href }, children),
    useLocation: () => ['/', jest.fn()],
  };
});

// No blank screen on any page: while loading a spinner says what loads, an empty answer says so in words, and
// UNAVAILABLE (the engine did not answer) reads as a sentence with a Retry that asks again.

type Mode = 'loading' | 'unavailable' | 'empty';

/** Answers for an empty product, by operation name. */
const EMPTY: Record<string, Record<string, unknown>> = {
  WaitingOnMe: { waitingOnMe: { totalCount: 0, truncated: false, scanned: 0, entries: [] } },
  Rollouts: {
    rollouts: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
  },
  Plans: { plans: [] },
};

/** A real urql client whose one exchange answers every query as `mode()` says when it is asked. */
function mockClient(mode: () => Mode) {
  const asked: string[] = [];
  const answer: Exchange = () => (operations$) =>
    pipe(
      operations$,
      filter((op) => op.kind === 'query'),
      mergeMap((operation) => {
        const name = getOperationName(operation.query) ?? '';
        asked.push(name);
        const m = mode();
        if (m === 'loading') return never;
        return fromValue(
          m === 'unavailable'
            ? makeResult(operation, {
                errors: [
                  { message: 'Temporal did not answer within 10000 ms', extensions: { code: 'UNAVAILABLE' } },
                ],
              })
            : makeResult(operation, { data: EMPTY[name] }),
        );
      }),
    );
  return { client: new Client({ url: 'http://console.test/graphql', exchanges: [answer] }), asked };
}

const pages: { name: string; ui: () => ReactElement; loading: string; empty?: RegExp }[] = [
  { name: 'fleet', ui: () => <FleetPage />, loading: 'Loading rollouts', empty: /No rollouts yet/ },
  {
    name: 'waiting on me',
    ui: () => <WaitingPage />,
    loading: 'Loading what waits on you',
    empty: /Nothing waits on you right now/,
  },
  { name: 'plans', ui: () => <PlansPage />, loading: 'Loading the plans', empty: /No plan yet/ },
  { name: 'a rollout', ui: () => <RolloutPage id="demo" />, loading: 'Loading the rollout' },
];

describe.each(pages)('the $name page', ({ ui, loading, empty }) => {
  it('says what it is loading while the API has not answered', () => {
    const { client } = mockClient(() => 'loading');
    renderUi(<Provider value={client}>{ui()}</Provider>);
    expect(screen.getByLabelText(loading)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  if (empty)
    it('says in words that there is nothing yet', async () => {
      const { client } = mockClient(() => 'empty');
      renderUi(<Provider value={client}>{ui()}</Provider>);
      expect(await screen.findByText(empty)).toBeTruthy();
      expect(screen.queryByLabelText(loading)).toBeNull();
    });

  it('shows UNAVAILABLE as a sentence with a Retry that asks the API again', async () => {
    let mode: Mode = 'unavailable';
    const { client, asked } = mockClient(() => mode);
    renderUi(<Provider value={client}>{ui()}</Provider>);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/The engine did not answer in time\. Temporal did not answer/);
    const before = asked.length;
    mode = 'loading';
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(asked.length).toBeGreaterThan(before));
  });
});
