import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import {
  type ExecutionResult,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type DocumentNode,
} from 'graphql';
import type { AuthedRequest } from './auth.decorators';
import { RefusalAuditService } from './refusal-audit.service';

/** Codes that answer "no" to a caller, as opposed to faults of ours. */
const REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);
/**
 * On a query or subscription, only these are refusals; a NOT_FOUND there is an answer. BAD_USER_INPUT is input
 * refused (a NUL, a wrong variable type), so it is recorded for queries too.
 */
const QUERY_REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);

/** Nest's validation pipe (class-validator on input types: a new rollout's id, lengths): a 400 HttpException. */
function validationProblem(error: GraphQLError): HttpException | undefined {
  const cause = unwrapResolverError(error);
  return cause instanceof HttpException && cause.getStatus() === 400 ? cause : undefined;
}

/**
 * The code the client is answered with. A validation pipe's refusal carries no code yet when this plugin sees it:
 * Nest's driver names it BAD_REQUEST while formatting, and `formatGraphQLError` makes that BAD_USER_INPUT.
 * Without this, those refusals went unaudited.
 */
function codeOf(error: GraphQLError): string {
  return validationProblem(error) ? 'BAD_USER_INPUT' : String(error.extensions?.code);
}

/** The message the client is answered with (the validation pipe's problems, as `formatGraphQLError` joins them). */
function messageOf(error: GraphQLError): string {
  const response = validationProblem(error)?.getResponse() as { message?: unknown } | undefined;
  return Array.isArray(response?.message) ? response.message.join('; ') : error.message;
}

interface Context {
  req?: AuthedRequest;
}

/** The plugin the API runs (set when Nest builds it): graphql-ws operations, which bypass Apollo, report here. */
let current: RefusalAuditPlugin | undefined;

/**
 * Every refused GraphQL operation is written to the audit log (through `RefusalAuditService`): who (or
 * `anonymous`), which operation, on which rollout and item, the code and message, and the input it carried.
 * Operations over HTTP come through Apollo's request pipeline; subscriptions over graphql-ws do not, and come
 * through `auditSubscriptionResult` (the graphql-ws `onNext` hook). A refusal changes nothing else.
 */
@Plugin()
export class RefusalAuditPlugin implements ApolloServerPlugin<Context> {
  constructor(private readonly refusals: RefusalAuditService) {
    current = this; // eslint-disable-line @typescript-eslint/no-this-alias
  }

  requestDidStart(): Promise<GraphQLRequestListener<Context>> {
    return Promise.resolve({
      didEncounterErrors: async ({ errors, operation, contextValue, request }) => {
        if (!operation) return; // unparsable or invalid: nothing was asked of the engine
        await this.auditErrors(errors, operation, request.variables, contextValue.req, 'graphql');
      },
    });
  }

  /** Audits the refusals among `errors` of one operation. */
  async auditErrors(
    errors: readonly GraphQLError[],
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    req: AuthedRequest | undefined,
    via: 'graphql' | 'graphql-ws',
  ): Promise<void> {
    const codes = operation.operation === OperationTypeNode.MUTATION ? REFUSALS : QUERY_REFUSALS;
    // A document over the query limits (it carries the `limit` it broke) is refused as a document, like one
    // that does not parse: nothing was asked of the engine, and recording each would let a flood of them
    // queue writes on the audit chain.
    const refused = errors.filter((e) => codes.has(codeOf(e)) && typeof e.extensions?.limit !== 'number');
    for (const error of refused) {
      const field = fieldOf(operation, error);
      const input = inputOf(variables ?? undefined, operation, field);
      await this.refusals.record({
        req,
        action: `api.${field}`,
        target: targetOf(input) ?? field,
        rolloutId: error.extensions?.rolloutId ?? input.rolloutId ?? input.id,
        code: codeOf(error),
        message: messageOf(error),
        via,
        input,
      });
    }
  }
}

/**
 * graphql-ws `onNext`: a subscription refused (unauthenticated, forbidden) answers one result carrying the
 * errors; those are audited like any other refusal. Other results pass untouched.
 */
export async function auditSubscriptionResult(
  args: {
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue?: unknown;
  },
  result: ExecutionResult,
): Promise<void> {
  if (!result.errors?.length || !current) return;
  const operation = args.document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
  );
  if (!operation) return;
  const req = (args.contextValue as Context | undefined)?.req;
  await current.auditErrors(result.errors, operation, args.variableValues, req, 'graphql-ws');
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

function targetOf(input: Record<string, unknown>): string | undefined {
  const target = input.itemId ?? input.phaseId ?? input.reviewId ?? input.stepId ?? input.planVersionId;
  return typeof target === 'string' ? target.slice(0, 255) : undefined;
}
