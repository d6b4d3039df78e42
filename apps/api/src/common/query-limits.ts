import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  /** Deepest field nesting an operation may select (introspection aside). */
  maxDepth: number;
  /** Highest cost: one per field, list fields times the page size they ask for (see `pageCost`). */
  maxCost: number;
}

/**
 * The cost of a paged list field, for `@Query(..., { complexity: pageCost })`: each item is as dear as its
 * selection, so `rollouts(first: 200) { … }` costs 200 times what one rollout does.
 */
export function pageCost({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) {
  return 1 + (args.first ?? 50) * childComplexity;
}

/** How deep the operation's selections go, through fragments; `__schema`/`__type` (introspection) count 0. */
export function operationDepth(operation: OperationDefinitionNode, document: DocumentNode): number {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const depth = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    let deepest = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, 1 + depth(s.selectionSet, seen));
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(s.selectionSet, seen));
      } else if (!seen.has(s.name.value)) {
        // A fragment spread: followed once per path (validation has already refused cycles).
        const next = new Set(seen).add(s.name.value);
        deepest = Math.max(deepest, depth(fragments.get(s.name.value)?.selectionSet, next));
      }
    }
    return deepest;
  };
  return depth(operation.selectionSet, new Set());
}

function refuse(message: string, limit: number, actual: number): never {
  throw new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', limit, actual, http: { status: 400 } },
  });
}

/**
 * Refuses an operation that nests deeper or costs more than the limits, before any resolver runs: one
 * request must not be able to make the API walk every rollout's every phase.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ document, operation, request, schema }) => {
          if (!operation) return Promise.resolve();
          const depth = operationDepth(operation, document);
          if (depth > limits.maxDepth)
            refuse(
              `The query nests ${depth} levels deep; at most ${limits.maxDepth} are allowed`,
              limits.maxDepth,
              depth,
            );
          const cost = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > limits.maxCost)
            refuse(
              `The query costs ${cost}; at most ${limits.maxCost} is allowed (ask for fewer items per page or fewer fields)`,
              limits.maxCost,
              cost,
            );
          return Promise.resolve();
        },
      }),
  };
}
