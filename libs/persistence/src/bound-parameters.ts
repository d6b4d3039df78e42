import {
  type AnyEntity,
  type Configuration,
  type Dictionary,
  type EntityData,
  type QueryResult,
  JsonProperty,
  type LoggingOptions,
  type Transaction,
  Utils,
} from '@mikro-orm/core';
import type { AbstractSqlPlatform, Knex } from '@mikro-orm/knex';
import { LibSqlConnection, LibSqlDriver } from '@mikro-orm/libsql';
import { PostgreSqlConnection, PostgreSqlDriver, PostgreSqlPlatform } from '@mikro-orm/postgresql';

// Why values appeared inlined into SQL: MikroORM 6's knex-based connection formats every statement itself
// (`AbstractSqlConnection.execute` calls `platform.formatQuery(sql, params)`, escaping each value into the
// text) and sends the result to the database with no parameters at all: a deliberate choice upstream
// (mikro-orm/mikro-orm#1593, #6827). Escaping is not binding: SQLite's parser ends a statement at a NUL byte,
// PostgreSQL's protocol cannot carry one, so a NUL in a value broke the statement itself (a 500).
//
// These drivers keep everything MikroORM does (the query builder, the unit of work, migrations) and change
// only the last step: the statement goes to the database with `?` placeholders and its values as bound
// parameters (knex numbers them for PostgreSQL). Each value is first given the form `formatQuery` would
// have written (a date as SQLite's milliseconds or PostgreSQL's text, JSON as text), so what is stored and
// compared does not change. Debug logging shows the statement with its placeholders and the values apart.

type Execute = (
  query: string | Knex.QueryBuilder | Knex.Raw,
  params?: unknown[],
  method?: 'all' | 'get' | 'run',
  ctx?: Transaction,
  loggerContext?: LoggingOptions,
) => Promise<unknown>;

/** A value as a bound parameter, in the form MikroORM's `quoteValue` would have written it into the text. */
export function bindingOf(platform: AbstractSqlPlatform, knex: Knex, value: unknown): unknown {
  if (value === undefined) return null;
  if (Utils.isRawSql(value)) return knex.raw(value.sql, bindingsOf(platform, knex, value.params ?? []));
  if (platform.isRaw(value)) return value;
  if (Utils.isPlainObject(value) || (value as Dictionary | null)?.[JsonProperty as unknown as string])
    return JSON.stringify(value);
  if (value instanceof Date)
    return platform instanceof PostgreSqlPlatform ? platform.formatDate(value) : value.getTime();
  // A list fills `in (?)`: knex spreads it into one placeholder per item.
  if (Array.isArray(value)) return value.map((v) => bindingOf(platform, knex, v));
  return value;
}

function bindingsOf(
  platform: AbstractSqlPlatform,
  knex: Knex,
  params: readonly unknown[],
): Knex.RawBinding[] {
  return params.map((p) => bindingOf(platform, knex, p) as Knex.RawBinding);
}

interface SqlConnectionInternals {
  config: Configuration;
  platform: AbstractSqlPlatform;
  ensureConnection(): Promise<void>;
  getKnex(): Knex;
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: Dictionary): Promise<T>;
  transformRawResult<T>(res: unknown, method: 'all' | 'get' | 'run'): T;
}

/** `execute` as MikroORM's, but the values bound rather than written into the statement. */
async function executeBound(
  this: SqlConnectionInternals,
  ...[queryOrKnex, params = [], method = 'all', ctx, loggerContext]: Parameters<Execute>
): Promise<unknown> {
  await this.ensureConnection();
  let sql: string;
  if (typeof queryOrKnex === 'string') sql = queryOrKnex;
  else {
    const transacting = (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting;
    if (transacting) ctx ??= queryOrKnex;
    const q = queryOrKnex.toSQL();
    sql = q.sql;
    params = [...(q.bindings ?? [])];
  }
  const onQuery: (sql: string, params: readonly unknown[]) => string = this.config.get('onQuery');
  sql = onQuery(sql, params);
  const knex = this.getKnex();
  const bindings = bindingsOf(this.platform, knex, params);
  return this.executeQuery(
    sql,
    async () => {
      const query = knex.raw(sql, bindings);
      if (ctx) void query.transacting(ctx as Knex.Transaction);
      return this.transformRawResult(await query, method);
    },
    { query: sql, params, ...loggerContext },
  );
}

export class BoundLibSqlConnection extends LibSqlConnection {
  override execute<
    T extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[],
  >(...args: Parameters<Execute>): Promise<T> {
    return executeBound.apply(this as unknown as SqlConnectionInternals, args) as Promise<T>;
  }
}

export class BoundPostgreSqlConnection extends PostgreSqlConnection {
  override execute<
    T extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[],
  >(...args: Parameters<Execute>): Promise<T> {
    return executeBound.apply(this as unknown as SqlConnectionInternals, args) as Promise<T>;
  }
}

/** MikroORM's libSQL (SQLite) driver, with bound parameters (still a LibSqlDriver to whoever asks). */
export class BoundLibSqlDriver extends LibSqlDriver {
  constructor(config: Configuration) {
    super(config);
    Object.assign(this, {
      connection: new BoundLibSqlConnection(this.config),
      replicas: this.createReplicas((c) => new BoundLibSqlConnection(this.config, c, 'read')),
    });
  }
}

/** MikroORM's PostgreSQL driver, with bound parameters. */
export class BoundPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    Object.assign(this, {
      connection: new BoundPostgreSqlConnection(this.config),
      replicas: this.createReplicas((c) => new BoundPostgreSqlConnection(this.config, c, 'read')),
    });
  }
}
