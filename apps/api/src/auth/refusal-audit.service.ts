import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { nameKey, roleKeys, verifyToken } from '../../../../libs/auth/src';
import { AuditLogService, NO_ROLLOUT } from '../../../../libs/persistence/src';
import type { AuthedRequest, RequestActor } from './auth.decorators';
import { AUTH_SECRET } from './auth.guard';

const MAX_INPUT_CHARS = 2_000;

/** One refused request, however it came: GraphQL over HTTP, a subscription over graphql-ws, or REST. */
export interface Refusal {
  /** The request (for the actor the guard verified, if any, and its request id). */
  req?: AuthedRequest;
  /** `api.<field>` for GraphQL, `api.<METHOD> <route>` for REST. */
  action: string;
  /** What it was aimed at: an item, phase … or the operation itself. */
  target: string;
  rolloutId?: unknown;
  /** Our error code (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT …). */
  code: string;
  message: string;
  /** How it came (graphql, graphql-ws, rest) and, on REST, the HTTP status. */
  via: 'graphql' | 'graphql-ws' | 'rest';
  status?: number;
  /** The input it carried (arguments, query parameters, body), cut to 2,000 characters. */
  input?: unknown;
  /** What was wrong with that input, one line each, when the input checks refused it. */
  problems?: string[];
}

/**
 * The one place refusals are written to the audit log (outcome `refused`): who (or `anonymous`), what, on
 * which rollout and target, the code and message, and the input. The GraphQL plugin, the graphql-ws hook and
 * the REST filter all come here. Never throws: the caller still gets its refusal when the log cannot be
 * written (the database is read-only …), and that loss is logged as an error.
 */
@Injectable()
export class RefusalAuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditLogService,
    @Inject(AUTH_SECRET) private readonly secret: string,
  ) {}

  async record(refusal: Refusal): Promise<void> {
    const { req } = refusal;
    const requestId = req?.headers?.['x-request-id'];
    // Refused before the guard ran (a limit, a bad argument): the sender is the token's user, if valid.
    const actor = req?.actor ?? (await tokenActor(this.secret, req));
    try {
      await this.audit.append({
        idempotencyKey: `refusal/${randomUUID()}`,
        rolloutId: rolloutOf(refusal.rolloutId),
        actor: actor?.id ?? 'anonymous',
        action: refusal.action,
        target: refusal.target,
        outcome: 'refused',
        payload: {
          code: refusal.code,
          message: refusal.message,
          roles: actor?.roles ?? [],
          via: refusal.via,
          ...(refusal.status !== undefined && { status: refusal.status }),
          ...(typeof requestId === 'string' && { requestId }),
          ...(refusal.problems && { problems: refusal.problems }),
          input: truncated(refusal.input ?? {}),
        },
      });
    } catch (err) {
      this.logger.error(
        `could not audit a refusal of ${refusal.action} (${refusal.code}): ${(err as Error).message}`,
      );
    }
  }
}

/** The user and roles of the request's bearer token; undefined without a valid one. */
async function tokenActor(secret: string, req: AuthedRequest | undefined): Promise<RequestActor | undefined> {
  const header = req?.headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  try {
    const claims = await verifyToken(secret, match[1]);
    return { id: nameKey(claims.user), roles: roleKeys(claims.roles) };
  } catch {
    return undefined;
  }
}

function rolloutOf(id: unknown): string {
  return typeof id === 'string' && id.length > 0 ? id : NO_ROLLOUT;
}

/** The input as recorded: as given, unless its JSON is longer than MAX_INPUT_CHARS, then that JSON cut. */
function truncated(input: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return { unreadable: true };
  }
  if (json === undefined || json.length <= MAX_INPUT_CHARS) return input;
  return { truncated: json.slice(0, MAX_INPUT_CHARS) };
}
