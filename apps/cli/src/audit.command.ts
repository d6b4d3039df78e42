import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MikroORM } from '@mikro-orm/core';
import { AuditLogService, type AuditVerifyResult } from '../../../libs/persistence/src/audit-log.service';
import { mikroOrmOptions } from '../../../libs/persistence/src/mikro-orm.config';
import { describePersistence, loadPersistenceConfig } from '../../../libs/persistence/src/persistence.config';

/** Where the command writes and the environment it reads configuration from (DATA_DIR, DATABASE_URL). */
export interface AuditIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The CLI's exit codes: 0 the log is sound, 1 it is broken, 2 it could not be checked. */
const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;

/** `audit verify`: checks the audit log's hash chain in the database the product uses. */
export function registerAuditCommands(program: Command, io: AuditIo, setCode: (code: number) => void): void {
  const audit = program.command('audit').description('Check the append-only audit log');
  audit
    .command('verify')
    .description(
      'Walk the audit hash chain (DATA_DIR / DATABASE_URL); exit 0 when sound, 1 naming the first broken entry',
    )
    .action(async () => setCode(await verifyAuditLog(io)));
}

export async function verifyAuditLog(io: AuditIo): Promise<number> {
  const config = loadPersistenceConfig(io.env ?? process.env);
  // Read only: never create an empty database where the product's should be.
  if (config.driver === 'sqlite' && !existsSync(config.file)) {
    io.stderr(`error: no database at ${config.file} (set DATA_DIR or DATABASE_URL)\n`);
    return EXIT.USAGE;
  }
  const options = mikroOrmOptions(config);
  const orm = await MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length > 0) {
      io.stderr(
        `error: ${describePersistence(config)} has ${pending.length} migration(s) to apply ` +
          `(${pending.map((m) => m.name).join(', ')}): start the API or the worker once, then verify\n`,
      );
      return EXIT.USAGE;
    }
    const result = await new AuditLogService(orm).verify();
    if (result.ok) {
      io.stdout(`audit log OK: ${entries(result.count)}\n`);
      return EXIT.OK;
    }
    io.stderr(describeBreak(result));
    return EXIT.INVALID;
  } finally {
    await orm.close();
  }
}

function describeBreak(result: Extract<AuditVerifyResult, { ok: false }>): string {
  const where = result.entry
    ? `entry id ${result.entry.id} (seq ${result.entry.seq})`
    : `the chain head, after ${result.count} entries`;
  const sound = result.entry
    ? `${entries(result.count)} before it ${result.count === 1 ? 'is' : 'are'} sound`
    : `the ${entries(result.count)} present ${result.count === 1 ? 'is' : 'are'} sound`;
  return `audit log BROKEN at ${where}: ${result.problem}\n  ${result.detail}\n  ${sound}\n`;
}

const entries = (count: number): string => `${count} ${count === 1 ? 'entry' : 'entries'}`;
