import { createRequire } from 'node:module';
import { join } from 'node:path';
import { httpOk, startProcess, stopProcess, waitFor } from './processes.mjs';
import { root } from './paths.mjs';

/** The custom search attributes, read from the compiled workflow definitions (one source of truth). */
export function searchAttributeFlags() {
  const require = createRequire(import.meta.url);
  const { rolloutSearchAttributeKeys } = require(join(root, 'dist/workflows/search-attributes.js'));
  return rolloutSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}

/** Starts the Temporal CLI dev server with the Web UI and a persistent SQLite file. */
export async function startDevServer({ cli, port, uiPort, dbFile, namespace = 'default' }) {
  const child = startProcess('temporal', cli, [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    ...searchAttributeFlags(),
  ]);
  try {
    await waitFor(httpOk(`http://127.0.0.1:${uiPort}/`), {
      what: 'Temporal dev server',
      child,
      timeoutMs: 60_000,
    });
  } catch (err) {
    await stopProcess(child); // never leave a half-started server holding the ports and the database file
    throw err;
  }
  return child;
}
