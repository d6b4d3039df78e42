import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject, Logger } from '@nestjs/common';
import { type GraphQLError, Kind, type OperationDefinitionNode, OperationTypeNode } from 'graphql';
import { verifyToken } from '../../../../libs/auth/src';
import { AuditLogService, NO_ROLLOUT } from '../../../../libs/persistence/src';
import { storable, storableValue } from '../common/input-checks';
import type { AuthedRequest, RequestActor } from './auth.decorators';
import { AUTH_SECRET } from './auth.guard';

/** Codes that answer "no" to a caller, as opposed to faults of ours. */
const REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);
/**
 * On a query, only these are refusals; a NOT_FOUND there is an answer. BAD_USER_INPUT is input refused
 * (a NUL, a wrong variable type, a query over the limits), so it is recorded for queries too.
 */
const QUERY_REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);
const MAX_INPUT_CHARS = 2_000;

interface Context {
  req?: AuthedRequest;
}

/**
 * Every refused operation is written to the audit log: who (or `anonymous`), which operation, on which
 * rollout and item, the code and message, and the input it carried. A refusal changes nothing else.
 */
@Plugin()
export class RefusalAuditPlugin implements ApolloServerPlugin<Context> {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditLogService,
    @Inject(AUTH_SECRET) private readonly secret: string,
  ) {}

  requestDidStart(): Promise<GraphQLRequestListener<Context>> {
    const audit = this.audit;
    const logger = this.logger;
    const secret = this.secret;
    return Promise.resolve({
      async didEncounterErrors({ errors, operation, contextValue, request }) {
        if (!operation) return; // unparsable or invalid: nothing was asked of the engine
        const codes = operation.operation === OperationTypeNode.MUTATION ? REFUSALS : QUERY_REFUSALS;
        // A document over the query limits (it carries the `limit` it broke) is refused as a document, like
        // one that does not parse: nothing was asked of the engine, and recording each would let a flood of
        // them queue writes on the audit chain.
        const refused = errors.filter(
          (e) => codes.has(String(e.extensions?.code)) && typeof e.extensions?.limit !== 'number',
        );
        // Refused before the guard ran (a limit, a bad argument): the sender is the token's user, if valid.
        const actor =
          refused.length > 0
            ? (contextValue.req?.actor ?? (await tokenActor(secret, contextValue.req)))
            : undefined;
        for (const error of refused) {
          const field = storable(fieldOf(operation, error));
          // Stored as storable text: a refused NUL or lone surrogate must not make the record fail.
          const input = storableValue(inputOf(request.variables, operation, field)) as Record<
            string,
            unknown
          >;
          const entry = {
            idempotencyKey: `refusal/${randomUUID()}`,
            rolloutId: rolloutOf(error, input),
            actor: storable(actor?.id ?? 'anonymous'),
            action: `api.${field}`,
            target: targetOf(input) ?? field,
            outcome: 'refused' as const,
            payload: {
              code: String(error.extensions?.code),
              message: storable(error.message),
              roles: actor?.roles ?? [],
              requestId: contextValue.req?.headers?.['x-request-id'],
              input: truncated(input),
            },
          };
          try {
            await audit.append(entry);
          } catch (err) {
            // The caller still gets the refusal; losing the record of it is ours to see in the logs.
            logger.error(`could not audit a refusal of ${field}: ${(err as Error).message}`);
          }
        }
      },
    });
  }
}

/** The user and roles of the request's bearer token; undefined without a valid one. */
async function tokenActor(secret: string, req: AuthedRequest | undefined): Promise<RequestActor | undefined> {
  const header = req?.headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  try {
    const claims = await verifyToken(secret, match[1]);
    return { id: claims.user, roles: claims.roles };
  } catch {
    return undefined;
  }
}

/** The top-level field the error came from (the operation's first field when it has no path). */
function fieldOf(operation: OperationDefinitionNode, error: GraphQLError): string {
  const first = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  const name =
    typeof error.path?.[0] === 'string'
      ? error.path[0]
      : first?.kind === Kind.FIELD
        ? first.name.value
        : undefined;
  return name ?? operation.operation;
}

/** The `input` argument's value for that field, resolving variables; {} when there is none. */
function inputOf(
  variables: Record<string, unknown> | undefined,
  operation: OperationDefinitionNode,
  field: string,
): Record<string, unknown> {
  const node = operation.selectionSet.selections.find(
    (s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === field,
  );
  if (!node || node.kind !== Kind.FIELD) return {};
  const args: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) {
    if (arg.value.kind === Kind.VARIABLE) args[arg.name.value] = variables?.[arg.value.name.value];
    else if (arg.value.kind === Kind.STRING || arg.value.kind === Kind.ENUM)
      args[arg.name.value] = arg.value.value;
    else if (arg.value.kind === Kind.OBJECT)
      args[arg.name.value] = Object.fromEntries(
        arg.value.fields.map((f) => [
          f.name.value,
          f.value.kind === Kind.VARIABLE
            ? variables?.[f.value.name.value]
            : 'value' in f.value
              ? f.value.value
              : undefined,
        ]),
      );
  }
  const input = args.input;
  return input && typeof input === 'object' ? { ...(input as Record<string, unknown>) } : args;
}

function rolloutOf(error: GraphQLError, input: Record<string, unknown>): string {
  const id = error.extensions?.rolloutId ?? input.rolloutId ?? input.id;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 128) : NO_ROLLOUT;
}

function targetOf(input: Record<string, unknown>): string | undefined {
  const target = input.itemId ?? input.phaseId ?? input.reviewId ?? input.stepId ?? input.planVersionId;
  return typeof target === 'string' ? target.slice(0, 255) : undefined;
}

/** The input as recorded: its fields, long texts cut, never more than MAX_INPUT_CHARS in all. */
function truncated(input: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(input) ?? '{}';
  if (json.length <= MAX_INPUT_CHARS) return input;
  return { truncated: json.slice(0, MAX_INPUT_CHARS) };
}
