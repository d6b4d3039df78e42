// The offline GraphQL IDE served at /graphql (GET, text/html): GraphiQL bundled from npm with its editor's
// workers, no CDN. The bearer token is set in the Headers tab; the console's token (same tab) is filled in.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TOKEN_KEY } from '../session';

const token = sessionStorage.getItem(TOKEN_KEY);
const origin = window.location.origin;
const fetcher = createGraphiQLFetcher({
  url: `${origin}/graphql`,
  subscriptionUrl: `${origin.replace(/^http/, 'ws')}/graphql`,
  wsConnectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
});
const headers = JSON.stringify(
  { Authorization: `Bearer ${token ?? '<paste a token: npm run --silent cli -- token create>'}` },
  null,
  2,
);

const root = document.getElementById('graphiql');
if (!root) throw new Error('no #graphiql element');
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      initialHeaders={headers}
      defaultEditorToolsVisibility="headers"
      initialQuery={
        '# Rollouts, newest first\nquery Rollouts {\n  rollouts(first: 5) {\n    totalCount\n    edges { node { id plan status currentPhase } }\n  }\n}\n'
      }
    />
  </StrictMode>,
);
