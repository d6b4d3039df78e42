import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { durationProblem, durationToMillis } from '../../../libs/plan/src/model';
import {
  AuditLogService,
  type AuditPruneResult,
  type AuditVerifyResult,
} from '../../../libs/persistence/src/audit-log.service';
import { withDatabase } from './database';

/** Where the command writes and the environment it reads configuration from (DATA_DIR, DATABASE_URL). */
export interface AuditIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The CLI's exit codes: 0 done (the log is sound), 1 it is broken, 2 it could not be checked or pruned. */
const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;

export interface PruneOptions {
  olderThan: string;
  dryRun?: boolean;
}

/** `audit verify` checks the audit log's hash chain; `audit prune` removes entries past their retention. */
export function registerAuditCommands(program: Command, io: AuditIo, setCode: (code: number) => void): void {
  const audit = program.command('audit').description('Check and prune the append-only audit log');
  audit
    .command('verify')
    .description(
      'Walk the whole audit hash chain (DATA_DIR / DATABASE_URL); exit 0 when sound, 1 naming every broken entry',
    )
    .option('--json', 'print the result as one JSON object on stdout (same exit codes)')
    .action(async (options: { json?: boolean }) => setCode(await verifyAuditLog(io, options)));
  audit
    .command('prune')
    .description(
      "Remove the oldest entries past their retention: older than --older-than and than their plan's " +
        'auditRetention, of rollouts that have ended; the chain is verified first and the prune is audited',
    )
    .requiredOption(
      '--older-than <duration>',
      'ISO 8601 duration: keep every entry younger than this (P1Y, P180D)',
    )
    .option('--dry-run', 'report what would be removed, remove nothing')
    .action(async (options: PruneOptions) => setCode(await pruneAuditLog(io, options)));
}

export function verifyAuditLog(io: AuditIo, options: { json?: boolean } = {}): Promise<number> {
  return withAuditLog(io, 'verify', async (log) => {
    const result = await log.verify();
    if (options.json) {
      io.stdout(`${JSON.stringify(result)}\n`);
      return result.ok ? EXIT.OK : EXIT.INVALID;
    }
    if (result.ok) {
      const pruned = result.prunedSeq
        ? ` (from seq ${result.prunedSeq + 1}; the ${result.prunedSeq} before it were pruned)`
        : '';
      io.stdout(`audit log OK: ${entries(result.count)}${pruned}\n`);
      return EXIT.OK;
    }
    io.stderr(describeBreak(result));
    return EXIT.INVALID;
  });
}

export async function pruneAuditLog(io: AuditIo, options: PruneOptions): Promise<number> {
  const problem = durationProblem(options.olderThan);
  const olderThanMs = problem ? undefined : durationToMillis(options.olderThan);
  if (olderThanMs === undefined) {
    io.stderr(
      `error: --older-than "${options.olderThan}" is not a positive ISO 8601 duration (${problem ?? 'format'}); e.g. P1Y, P180D\n`,
    );
    return EXIT.USAGE;
  }
  return withAuditLog(io, 'prune', async (log) => {
    const result = await log.prune({
      olderThan: options.olderThan,
      olderThanMs,
      actor: `cli:${whoRuns()}`,
      dryRun: options.dryRun,
    });
    if (!result.ok) {
      io.stderr(`${describeBreak(result.broken)}  nothing was pruned: a broken chain is kept as evidence\n`);
      return EXIT.INVALID;
    }
    io.stdout(describePrune(result, options));
    return EXIT.OK;
  });
}

/** Opens the product's database (read from DATA_DIR / DATABASE_URL), migrated, for one audit command. */
function withAuditLog(
  io: AuditIo,
  what: string,
  run: (log: AuditLogService) => Promise<number>,
): Promise<number> {
  return withDatabase(io, what, (orm) => run(new AuditLogService(orm)));
}

function describePrune(result: Extract<AuditPruneResult, { ok: true }>, options: PruneOptions): string {
  const lines: string[] = [];
  if (result.from && result.through) {
    const span = `seq ${result.from.seq}-${result.through.seq}, ${iso(result.from.at)} to ${iso(result.through.at)}`;
    lines.push(`${options.dryRun ? 'would prune' : 'pruned'} ${entries(result.pruned)} (${span})`);
  } else lines.push('nothing to prune');
  if (result.stop)
    lines.push(`kept from seq ${result.stop.seq} (${iso(result.stop.at)}): ${result.stop.why}`);
  if (result.record) lines.push(`recorded as audit entry seq ${result.record.seq} (audit.prune)`);
  return lines.join('\n') + '\n';
}

/**
 * Every break, one block each: a line `audit log BROKEN at <where>: <problem>` (one per break, so
 * `grep -c '^audit log BROKEN at'` counts them), then its detail, indented; a summary line last.
 */
function describeBreak(result: Extract<AuditVerifyResult, { ok: false }>): string {
  const blocks = result.breaks.map((b, i) => {
    const where = b.entry
      ? `entry id ${b.entry.id} (seq ${b.entry.seq})`
      : `the chain head, after ${entries(result.checked)}`;
    const lines = [`audit log BROKEN at ${where}: ${b.problem}`, `  ${b.detail}`];
    if (i === 0) {
      const n = result.count;
      lines.push(
        b.entry
          ? `  ${entries(n)} before it ${n === 1 ? 'is' : 'are'} sound`
          : `  the ${entries(n)} present ${n === 1 ? 'is' : 'are'} sound`,
      );
    }
    return lines.join('\n');
  });
  const more = result.breakCount > result.breaks.length ? ` (the first ${result.breaks.length} listed)` : '';
  const summary = `${result.breakCount} ${result.breakCount === 1 ? 'break' : 'breaks'} found${more}, ${entries(result.checked)} checked`;
  return `${blocks.join('\n')}\n${summary}\n`;
}

/** The OS user running the command, for the audit entry (a container may have no user name). */
function whoRuns(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

const entries = (count: number): string => `${count} ${count === 1 ? 'entry' : 'entries'}`;
const iso = (at: Date): string => at.toISOString();
