// The console (index.html) and the offline GraphQL IDE (graphiql.html), built into dist/web, which the API
// serves at / and /graphql (apps/api/src/console). `npm run dev:web` serves the sources with the API behind
// a proxy (API_URL, default http://127.0.0.1:3000).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    // The IDE carries a code editor (Monaco): large, but in its own page, never in the console's.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: { console: resolve(here, 'index.html'), graphiql: resolve(here, 'graphiql.html') },
      // Libraries marked "use client" (for server components) say so on every file: noise in a SPA.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  worker: { format: 'es' },
  // In dev mode the IDE comes from the API (/graphql is proxied): pre-bundle the console's dependencies only
  // (GraphiQL's editor workers are `?worker` imports the pre-bundler cannot load).
  optimizeDeps: { entries: ['index.html'], exclude: ['graphiql', '@graphiql/react', '@graphiql/toolkit'] },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/console/': { target: api, changeOrigin: true },
      // The IDE's page at /graphql is the API's built one (npm run build:web), with its assets.
      '/assets/': { target: api, changeOrigin: true },
    },
  },
});
