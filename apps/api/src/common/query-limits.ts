import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLField,
  getArgumentValues,
  GraphQLError,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type OperationDefinitionNode,
  OperationTypeNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getVariableValues,
} from 'graphql';
import { valueProblems } from './input-checks';

export interface QueryLimits {
  /** Deepest field nesting an operation may select (introspection aside). */
  maxDepth: number;
  /** Highest cost: see `operationMeasures`. */
  maxCost: number;
  /** Most fields at the operation's top (aliases each count): each is its own read or action. */
  maxRootFields: number;
  /** Most fields selected once every fragment is expanded (introspection included). */
  maxNodes: number;
  /** Most lexical tokens in a document: the parser stops there (graphql-js `maxTokens`). */
  maxTokens: number;
}

/** What a root field costs at least, besides its selection: each one is a database read or more. */
export const ROOT_FIELD_COST = 10;
/** What a mutation costs at least: it writes (an audit row, a workflow Update). */
export const MUTATION_COST = 100;
/**
 * What reading one rollout costs: a Temporal describe and queries to its workflow and its current phase's
 * (about as dear as a page of a hundred projection rows).
 */
export const TEMPORAL_READ_COST = 100;

/**
 * The cost of a paged list field, for `@Query(..., { complexity: pageCost })`: each item is as dear as its
 * selection, so `rollouts(first: 200) { … }` costs 200 times what one rollout does.
 */
export function pageCost({
  args,
  childComplexity,
}: {
  args: { first?: number | null };
  childComplexity: number;
}) {
  return 1 + (args.first ?? 50) * childComplexity;
}

/** The cost of a field read live from Temporal (`rollout(id)`), for `complexity: temporalReadCost`. */
export function temporalReadCost({ childComplexity }: { childComplexity: number }) {
  return TEMPORAL_READ_COST + childComplexity;
}

/**
 * The live rollouts waitingOnMe reads at most (the most recently changed first): each is a rollout read
 * (TEMPORAL_READ_COST), so the query costs about as much as reading them one by one.
 */
export const WAITING_SCAN_CAP = 25;

/** waitingOnMe: WAITING_SCAN_CAP rollout reads, plus a page of entries as dear as their selection. */
export function waitingOnMeCost({
  args,
  childComplexity,
}: {
  args: { first?: number | null };
  childComplexity: number;
}) {
  return WAITING_SCAN_CAP * TEMPORAL_READ_COST + (args.first ?? 20) * childComplexity;
}

/** An unpaged list (every plan): as dear as a default page of them. */
export function listCost({ childComplexity }: { childComplexity: number }) {
  return ROOT_FIELD_COST + 50 * childComplexity;
}

/** What an operation asks for, with its fragments expanded (each fragment measured once). */
export interface OperationMeasures {
  /** Deepest nesting; introspection (`__schema`, `__type`, `__typename`) counts 0. */
  depth: number;
  /**
   * One per field (aliases each count), plus what a field's `complexity` says (list pages multiply their
   * selection); root fields cost at least ROOT_FIELD_COST, mutations MUTATION_COST.
   */
  cost: number;
  /** Fields at the top, aliases and fragments expanded. */
  rootFields: number;
  /** Fields in all, fragments expanded. */
  nodes: number;
  /** Problems of argument values (`valueProblems`), each argument checked once. */
  inputProblems: string[];
}

interface Measure {
  depth: number;
  cost: number;
  nodes: number;
  fields: number;
}

/** A refusal of the client's request: BAD_USER_INPUT, HTTP 400. */
export class QueryRefusal extends GraphQLError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions, http: { status: 400 } } });
  }
}

const finite = (n: number) => (Number.isNaN(n) ? Infinity : Math.max(0, n));

/**
 * Measures an operation in time linear in the document: each fragment's depth, cost and field count are
 * computed once and reused wherever it is spread (so `...F1 ...F1` fanned out 30 levels is 30 steps, not
 * 2^30). A fragment that spreads itself, directly or not, is refused. Argument values are read with the
 * coerced variables, and checked by `valueProblems`.
 */
export function operationMeasures(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  now = Date.now(),
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();
  const inputProblems: string[] = [];
  const root = schema.getRootType(operation.operation);
  const rootCost = operation.operation === OperationTypeNode.MUTATION ? MUTATION_COST : ROOT_FIELD_COST;

  const fieldDef = (
    parent: GraphQLCompositeType | undefined,
    name: string,
  ): GraphQLField<unknown, unknown> | undefined => {
    if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
    if (parent === root && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (parent === root && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
  };

  const field = (
    node: FieldNode,
    parent: GraphQLCompositeType | undefined,
    introspection: boolean,
  ): Measure => {
    const def = fieldDef(parent, node.name.value);
    const meta = node.name.value.startsWith('__');
    const childType = def ? getNamedType(def.type) : undefined;
    const child = node.selectionSet
      ? selections(
          node.selectionSet,
          isCompositeType(childType) ? childType : undefined,
          introspection || meta,
        )
      : { depth: 0, cost: 0, nodes: 0, fields: 0 };
    let args: Record<string, unknown> = {};
    if (def && def.args.length > 0) {
      try {
        args = getArgumentValues(def, node, variables);
      } catch (error) {
        throw new QueryRefusal((error as Error).message);
      }
      valueProblems(args, `${node.name.value}`, now, inputProblems);
    }
    const complexity: unknown = def?.extensions?.complexity;
    const atRoot = parent === root && !meta;
    let cost: number;
    if (typeof complexity === 'number') cost = complexity + child.cost;
    else if (typeof complexity === 'function')
      cost = finite(
        Number(
          (complexity as (o: object) => unknown)({
            args,
            childComplexity: child.cost,
            field: def,
            node,
            type: parent,
          }),
        ),
      );
    else cost = (atRoot ? rootCost : 1) + child.cost;
    return {
      depth: introspection || meta ? 0 : 1 + child.depth,
      cost,
      nodes: 1 + child.nodes,
      fields: 1,
    };
  };

  const fragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition) return { depth: 0, cost: 0, nodes: 0, fields: 0 };
    if (inProgress.has(name)) throw new QueryRefusal(`Fragment ${name} spreads itself`);
    inProgress.add(name);
    const type = schema.getType(definition.typeCondition.name.value);
    // Introspection below a fragment is told by its type (__Schema, __Type …), not by where it is spread.
    const measure = selections(
      definition.selectionSet,
      isCompositeType(type) ? type : undefined,
      type?.name.startsWith('__') ?? false,
    );
    inProgress.delete(name);
    memo.set(name, measure);
    return measure;
  };

  const selections = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    introspection: boolean,
  ): Measure => {
    const total: Measure = { depth: 0, cost: 0, nodes: 0, fields: 0 };
    for (const s of set.selections) {
      let m: Measure;
      if (s.kind === Kind.FIELD) m = field(s, parent, introspection);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        m = selections(s.selectionSet, isCompositeType(type) ? type : undefined, introspection);
      } else m = fragment(s.name.value);
      total.depth = Math.max(total.depth, m.depth);
      total.cost += m.cost;
      total.nodes += m.nodes;
      total.fields += m.fields;
    }
    return total;
  };

  const top = selections(operation.selectionSet, root ?? undefined, false);
  return {
    depth: top.depth,
    cost: top.cost,
    rootFields: top.fields,
    nodes: top.nodes,
    inputProblems,
  };
}

/** A figure for a message: huge fan-outs overflow to Infinity, which JSON cannot carry. */
const shown = (n: number) =>
  Number.isFinite(n) && n <= Number.MAX_SAFE_INTEGER ? n : Number.MAX_SAFE_INTEGER;

function refuse(message: string, limit: number, actual: number): never {
  throw new QueryRefusal(message, { limit, actual: shown(actual) });
}

/**
 * Checks an operation before any resolver runs: variables of the right types, argument values sane
 * (`input-checks`), no subscription over HTTP, and cost, depth, top-level fields and expanded size within the
 * limits. Throws a QueryRefusal (BAD_USER_INPUT, HTTP 400); never anything else.
 */
export function checkOperation(
  limits: QueryLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): void {
  if (operation.operation === OperationTypeNode.SUBSCRIPTION)
    throw new QueryRefusal(
      'Subscriptions are served over WebSocket (graphql-ws protocol) at /graphql, not over HTTP POST or GET',
    );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, {
    maxErrors: 10,
  });
  if (coerced.errors) throw new QueryRefusal(coerced.errors.map((e) => e.message).join('; '));
  const m = operationMeasures(schema, document, operation, coerced.coerced);
  if (m.inputProblems.length > 0)
    throw new QueryRefusal(`Refused input: ${m.inputProblems.join('; ')}`, { problems: m.inputProblems });
  if (m.cost > limits.maxCost)
    refuse(
      `The query costs ${shown(m.cost)}; at most ${limits.maxCost} is allowed (ask for fewer items per page, fewer fields or fewer aliases)`,
      limits.maxCost,
      m.cost,
    );
  if (m.depth > limits.maxDepth)
    refuse(
      `The query nests ${m.depth} levels deep; at most ${limits.maxDepth} are allowed`,
      limits.maxDepth,
      m.depth,
    );
  if (m.rootFields > limits.maxRootFields)
    refuse(
      `The operation has ${m.rootFields} top-level fields; at most ${limits.maxRootFields} are allowed`,
      limits.maxRootFields,
      m.rootFields,
    );
  if (m.nodes > limits.maxNodes)
    refuse(
      `The query selects ${shown(m.nodes)} fields once its fragments are expanded; at most ${limits.maxNodes} are allowed`,
      limits.maxNodes,
      m.nodes,
    );
}

/**
 * Refuses, before any resolver runs, an operation that `checkOperation` refuses. The document's size is
 * bounded earlier, by the parser (`parseOptions: { maxTokens }`, see app.module.ts). Anything unexpected
 * thrown while checking is a refusal too: a check must never turn into a 500.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ document, operation, request, schema }) => {
          if (!operation) return Promise.resolve();
          try {
            checkOperation(limits, schema, document, operation, request.variables ?? undefined);
          } catch (error) {
            if (error instanceof QueryRefusal) return Promise.reject(error);
            return Promise.reject(
              new QueryRefusal(`The operation could not be checked: ${(error as Error).message}`),
            );
          }
          return Promise.resolve();
        },
      }),
  };
}

/**
 * graphql-ws's `onSubscribe`: the same bound on a document's size for subscriptions over WebSocket as the
 * parser applies over HTTP (`maxTokens`); a longer document is refused before it is parsed whole. The rest
 * (parsing again, validation, the subscription) is graphql-ws's as usual.
 */
export function subscriptionDocumentBound(maxTokens: number) {
  return (_ctx: unknown, _id: string, payload: { query: string }): readonly GraphQLError[] | undefined => {
    try {
      parse(payload.query, { maxTokens });
      return undefined;
    } catch (error) {
      return [error instanceof GraphQLError ? error : new QueryRefusal((error as Error).message)];
    }
  };
}
