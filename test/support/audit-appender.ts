// A second process writing the audit log, as the API does beside the worker. Run by
// libs/persistence/src/audit-log.service.spec.ts: `audit-appender <database> <name> <count>`, the database
// as DATABASE_URL gives it (a `postgresql://` URL) or a SQLite file's path. It prints
// "ready", waits for a line on stdin (so both processes start together), appends <count> entries and
// prints "done".
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService } from '../../libs/persistence/src/audit-log.service';
import { mikroOrmOptions } from '../../libs/persistence/src/mikro-orm.config';
import { loadPersistenceConfig } from '../../libs/persistence/src/persistence.config';

async function run(database: string, name: string, count: number): Promise<void> {
  const url = database.startsWith('postgres') ? database : `sqlite:${database}`;
  const orm = await MikroORM.init(mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: url })));
  try {
    const log = new AuditLogService(orm);
    process.stdout.write('ready\n');
    await new Promise<void>((go) => createInterface({ input: process.stdin }).once('line', () => go()));
    for (let i = 0; i < count; i += 1) {
      await log.append({
        idempotencyKey: `${name}/${i}`,
        rolloutId: 'concurrent',
        actor: name,
        action: 'test.append',
        target: String(i),
        payload: { i },
      });
      // A pause, as between real requests: the other writer gets the lock, so the two interleave even on a
      // loaded machine (SQLite does not queue waiting writers fairly).
      await sleep(20);
    }
    process.stdout.write('done\n');
  } finally {
    await orm.close();
  }
}

const [database, name, count] = process.argv.slice(-3);
run(database, name, Number(count)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
