import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM, type Options } from '@mikro-orm/core';

const ATTEMPTS = 6;
const RETRY_MS = 200;

/**
 * Applies the pending migrations; answers the names it applied. The API and the worker both migrate at boot,
 * and replicas start together: when two processes migrate at once, the one that loses meets the other's
 * tables (or its lock) half-made and fails. Each try is one transaction that rolls back whole, on a
 * connection of its own (SQLite's driver can leave a failed transaction's connection holding its lock), so
 * it tries again once the other has committed, and finds what is left to apply (often nothing). A migration
 * that fails on its own fails every try and is reported as it failed.
 */
export async function migrateSchema(
  options: Options,
  onRetry: (error: unknown, attempt: number) => void = () => undefined,
): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
    try {
      return (await orm.getMigrator().up()).map((m) => m.name);
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      onRetry(error, attempt);
    } finally {
      await orm.close(true);
    }
    await sleep(RETRY_MS * attempt * (0.5 + Math.random()));
  }
}
