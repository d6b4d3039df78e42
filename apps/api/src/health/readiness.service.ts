import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { AuditLogService } from '../../../../libs/persistence/src';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src';

/** How long one readiness check waits for the database or Temporal before calling it not ready. */
export const READINESS_DEADLINE_MS = 2_000;
/** A writable database is believed for this long: actions then cost no extra write each. */
const WRITABLE_FOR_MS = 1_000;

export interface Readiness {
  ready: boolean;
  /** Each dependency: ok, or why not. */
  checks: { database: Check; temporal: Check };
}

type Check = { ok: true } | { ok: false; error: string };

/**
 * Whether the API can do its work: the database takes writes (an audit entry could be appended) and the
 * Temporal server answers, each within a short deadline.
 */
@Injectable()
export class ReadinessService {
  private writableUntil = 0;
  private probing: Promise<Check> | undefined;

  constructor(
    private readonly audit: AuditLogService,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, temporal] = await Promise.all([this.database(true), this.temporal()]);
    return { ready: database.ok && temporal.ok, checks: { database, temporal } };
  }

  /**
   * Whether an audit entry can be written now (a real write, rolled into a transaction of its own). Checks
   * running at once share one probe; a success is believed for a second (`fresh` asks anew).
   */
  database(fresh = false): Promise<Check> {
    if (!fresh && Date.now() < this.writableUntil) return Promise.resolve({ ok: true });
    this.probing ??= withDeadline(this.audit.checkWritable(), 'the database')
      .then((): Check => {
        this.writableUntil = Date.now() + WRITABLE_FOR_MS;
        return { ok: true };
      })
      .catch((error: unknown): Check => {
        this.writableUntil = 0;
        return { ok: false, error: `not writable: ${messageOf(error)}` };
      })
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** Whether the Temporal server answers a cheap call (its system info) within the deadline. */
  async temporal(): Promise<Check> {
    try {
      const deadline = Date.now() + READINESS_DEADLINE_MS;
      await this.client.connection.withDeadline(deadline, () =>
        this.client.workflowService.getSystemInfo({}),
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, error: `not reachable: ${messageOf(error)}` };
    }
  }
}

function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${READINESS_DEADLINE_MS} ms`)),
      READINESS_DEADLINE_MS,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The first line of an error's message, without the statement a driver may repeat in it. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const tail = message.split(' - ').at(-1) ?? message;
  return tail.split('\n')[0].slice(0, 300);
}
