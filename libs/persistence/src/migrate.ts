import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/core';

const ATTEMPTS = 6;
const RETRY_MS = 200;

/**
 * Applies the pending migrations; answers the names it applied. The API and the worker both migrate at boot,
 * and replicas start together: when two processes migrate at once, the one that loses meets the other's
 * tables (or its migrations table) half-made and fails. Each try is one transaction that rolls back whole,
 * so it reconnects and tries again once the other has committed, and finds what is left to apply (often
 * nothing). A migration that fails on its own fails every try and is reported as it failed.
 */
export async function migrateSchema(
  orm: MikroORM,
  onRetry: (error: unknown, attempt: number) => void = () => undefined,
): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await orm.getMigrator().up()).map((m) => m.name);
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      onRetry(error, attempt);
    }
    // A fresh pool: the failed transaction's connection may still hold what it had.
    await orm.reconnect();
    await sleep(RETRY_MS * attempt * (0.5 + Math.random()));
  }
}
