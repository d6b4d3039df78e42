import {
  createDatabase,
  dropDatabase,
  existingServer,
  findPostgresBinaries,
  type PostgresServer,
  startPostgres,
  withDatabase,
} from './postgres';

/**
 * Jest global setup (integration and e2e projects): one PostgreSQL server for the whole run, its admin URL in
 * TEST_DATABASE_URL for the test processes. The user's TEST_DATABASE_URL wins; otherwise a throwaway
 * server is started from the binaries found (see `findPostgresBinaries`). Without either, the PostgreSQL
 * variants are skipped, unless REQUIRE_POSTGRES=1 (CI), which makes that a failure.
 *
 * Unit specs wipe the database they are given, so each Jest worker gets its own: `<db>_w<JEST_WORKER_ID>`,
 * which `postgres-worker.ts` puts in TEST_DATABASE_URL for that worker's specs.
 */
interface State {
  server: PostgresServer;
  /** Databases made on a server that outlives the run (the user's), to drop at the end. */
  workerDatabases: string[];
}

const key = Symbol.for('rollouts.test.postgres');
type WithState = typeof globalThis & { [key]?: State };

export default async function setup(globalConfig: { maxWorkers?: number }): Promise<void> {
  if ((globalThis as WithState)[key]) return; // one server per run, even in watch mode
  const given = process.env.TEST_DATABASE_URL;
  let server: PostgresServer;
  if (given?.startsWith('postgres')) {
    server = existingServer(given);
    process.stdout.write(
      `\nPostgreSQL for the tests: TEST_DATABASE_URL (${given.replace(/\/\/[^@/]*@/, '//***@')})\n`,
    );
  } else {
    const binDir = findPostgresBinaries();
    if (!binDir) {
      if (process.env.REQUIRE_POSTGRES === '1')
        throw new Error(
          'PostgreSQL not found and REQUIRE_POSTGRES=1: install it (apt-get install postgresql), set PG_BIN, or set TEST_DATABASE_URL',
        );
      process.stdout.write(
        '\nPostgreSQL not found: the e2e suites run on SQLite only; .ci/run installs it\n',
      );
      delete process.env.TEST_DATABASE_URL;
      return;
    }
    try {
      server = await startPostgres(binDir);
    } catch (err) {
      if (process.env.REQUIRE_POSTGRES === '1') throw err;
      const why = (err as Error).message.split('\n')[0];
      process.stdout.write(`\nPostgreSQL could not be started (${why}): the e2e suites run on SQLite only\n`);
      delete process.env.TEST_DATABASE_URL;
      return;
    }
    process.once('exit', () => void server.stop()); // stops synchronously, even when Jest exits early
    process.stdout.write(`\nPostgreSQL for the tests: ${server.url} (${binDir})\n`);
  }
  // One database per worker for the integration specs (when the server lets us create them).
  const workers = Math.max(1, globalConfig.maxWorkers || 1);
  const base = new URL(server.url).pathname.slice(1) || 'postgres';
  const workerDatabases: string[] = [];
  try {
    for (let n = 1; n <= workers; n += 1) {
      const name = `${base}_w${n}`;
      await dropDatabase(server.url, name);
      await createDatabase(server.url, name);
      workerDatabases.push(name);
    }
    process.env.TEST_DATABASE_WORKER_URL = withDatabase(server.url, `${base}_w{worker}`);
  } catch (err) {
    // e.g. a user's server without CREATEDB: every worker shares TEST_DATABASE_URL, as before.
    process.stdout.write(`PostgreSQL: no per-worker databases (${(err as Error).message})\n`);
  }
  process.env.TEST_DATABASE_URL = server.url;
  (globalThis as WithState)[key] = { server, workerDatabases: given ? workerDatabases : [] };
}

export async function teardown(): Promise<void> {
  const state = (globalThis as WithState)[key];
  if (!state) return;
  delete (globalThis as WithState)[key];
  for (const name of state.workerDatabases) await dropDatabase(state.server.url, name).catch(() => undefined);
  await state.server.stop();
}
