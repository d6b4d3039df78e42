import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { freePort } from './ports';

/**
 * A throwaway PostgreSQL server for a test run: `initdb` in a temp folder, trust auth on 127.0.0.1 only,
 * a free port, no fsync. Or, when TEST_DATABASE_URL names a server already, that one.
 */
export interface PostgresServer {
  /** The admin URL: a database of its own that suites may create databases from (or wipe). */
  url: string;
  /** Creates an empty database on this server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'];

const hasServer = (dir: string) => SERVER_BINARIES.every((b) => existsSync(join(dir, b)));

/** `/usr/lib/postgresql/<version>/bin`, newest first (Debian's layout). */
function debianBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'));
}

/**
 * Where the PostgreSQL server binaries are: PG_BIN, `pg_config --bindir` (which on Debian names the
 * server's folder even when only the client library is installed, hence the check), Debian's versioned
 * folders newest first, then PATH. Undefined when there is no server to start.
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && pgConfig.stdout.trim()) candidates.push(pgConfig.stdout.trim());
  candidates.push(...debianBinDirs());
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const initdb = join(dir, 'initdb');
    if (existsSync(initdb)) candidates.push(dirname(realpathSync(initdb)), dir);
  }
  return candidates.find(hasServer);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A database name Postgres accepts unquoted and that no other suite picks: `<name>_<random>`. */
export function databaseName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  return `${base}_${randomBytes(4).toString('hex')}`;
}

/** The URL of another database on the same server as `url`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/**
 * The `pg` driver that @mikro-orm/postgresql brings. Not MikroORM itself: the global setup runs in Jest's
 * own process, and a MikroORM loaded there breaks the MikroORM of a suite run in band (metadata is global).
 */
const pg = () =>
  createRequire(require.resolve('@mikro-orm/postgresql'))('pg') as {
    Client: new (options: { connectionString: string }) => PgClient;
  };

/** Runs one statement on the server's admin database (CREATE DATABASE cannot run in a transaction). */
async function adminExecute(adminUrl: string, sql: string): Promise<void> {
  const client = new (pg().Client)({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `name` on the server of `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await adminExecute(adminUrl, `create database ${quoteIdent(name)}`);
  return withDatabase(adminUrl, name);
}

/** Drops a database made by `createDatabase`, closing whatever is still connected to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await adminExecute(adminUrl, `drop database if exists ${quoteIdent(name)} with (force)`);
}

/** Connects to an existing server (TEST_DATABASE_URL); `stop` leaves it running. */
export function existingServer(url: string): PostgresServer {
  return { url, createDatabase: (name) => createDatabase(url, name), stop: () => Promise.resolve() };
}

/** Postgres will not run as root: as root, run its tools as the `postgres` user (or `nobody`). */
function serverUser(): string | undefined {
  if (userInfo().uid !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    if (spawnSync('id', ['-u', user]).status === 0) return user;
  }
  throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
}

function idsOf(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a fresh server on a free port from the binaries in `binDir`; the data folder (and the socket)
 * live in a temp folder that `stop` removes.
 */
export async function startPostgres(binDir: string, database = 'rollouts_test'): Promise<PostgresServer> {
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'rollouts-pg-'));
  if (user) {
    const { uid, gid } = idsOf(user);
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const run = (tool: string, args: string[]) => {
    const cmd = user ? 'runuser' : join(binDir, tool);
    const argv = user ? ['-u', user, '--', join(binDir, tool), ...args] : args;
    const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(
        `${tool} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}${log}`,
      );
    }
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      try {
        run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
        break;
      } catch (err) {
        if (attempt >= 3) throw err; // the port was taken in between: try another
      }
    }
    const stopServer = () => {
      if (existsSync(join(dataDir, 'postmaster.pid')))
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    };
    const server = `postgresql://postgres@127.0.0.1:${port}`;
    let url: string;
    try {
      url = await createDatabase(`${server}/postgres`, database);
    } catch (err) {
      stopServer();
      throw err;
    }
    return {
      url,
      createDatabase: (name) => createDatabase(url, name),
      stop() {
        try {
          stopServer();
        } finally {
          cleanup();
        }
        return Promise.resolve();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** The admin URL of the test run's PostgreSQL server (set by the global setup), if there is one. */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (url?.startsWith('postgres')) return url;
  if (process.env.REQUIRE_POSTGRES === '1')
    throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL names no PostgreSQL server');
  return undefined;
}

export type TestDatabase = 'sqlite' | 'postgresql';

/**
 * Declares `fn`'s tests once per database: on SQLite always, on PostgreSQL when the run has a server
 * (skipped, and reported as skipped, when it does not).
 */
export function describeEachDatabase(fn: (database: TestDatabase) => void): void {
  describe('on SQLite', () => fn('sqlite'));
  (testDatabaseUrl() ? describe : describe.skip)('on PostgreSQL', () => fn('postgresql'));
}

/**
 * A fresh, empty database for one e2e suite on the run's server (TEST_DATABASE_URL), so suites never see
 * each other's rows; `drop` removes it.
 */
export async function createTestDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testDatabaseUrl();
  if (!adminUrl)
    throw new Error(
      'PostgreSQL asked for, but TEST_DATABASE_URL names no server (run through Jest, whose global setup starts one)',
    );
  const database = databaseName(`e2e_${name}`);
  const url = await createDatabase(adminUrl, database);
  return { url, drop: () => dropDatabase(adminUrl, database).catch(() => undefined) };
}
