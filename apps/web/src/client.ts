// One urql client per signed-in token: a normalised cache (graphcache), HTTP for queries and mutations, and
// graphql-ws (same origin, token in connectionParams) for subscriptions.
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, fetchExchange, subscriptionExchange } from 'urql';

const embedded = () => null;

export function makeClient(
  token: string,
  origin = window.location.origin,
): { client: Client; dispose: () => void } {
  const ws = createWsClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  const client = new Client({
    url: `${origin}/graphql`,
    // POST always: Apollo's CSRF prevention refuses simple GETs, and tokens stay out of URLs.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      cacheExchange({
        // Entities with an id of their own are normalised; the rest live inside their parent.
        keys: {
          AuditEntry: (e) => (typeof e.seq === 'number' ? String(e.seq) : null),
          PlanModel: (p) => (typeof p.name === 'string' ? p.name : null),
          Phase: embedded,
          ChecklistItem: embedded,
          Gate: embedded,
          PendingTimer: embedded,
          RollbackProgress: embedded,
          RollbackStep: embedded,
          RolloutConnection: embedded,
          RolloutEdge: embedded,
          PageInfo: embedded,
          PlanImportReport: embedded,
          ImportLine: embedded,
          PlanProblem: embedded,
          ImportPlanResult: embedded,
          ValidatePlanResult: embedded,
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
