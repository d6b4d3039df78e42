import {
  buildSchema,
  Kind,
  getIntrospectionQuery,
  parse,
  type OperationDefinitionNode,
  type DocumentNode,
} from 'graphql';
import {
  checkOperation,
  operationMeasures,
  pageCost,
  QueryRefusal,
  type QueryLimits,
  temporalReadCost,
} from './query-limits';

const schema = buildSchema(`
  scalar DateTime
  type Query {
    rollout(id: ID!): Rollout!
    rollouts(first: Int = 20, after: String, filter: Filter): Page!
    flags(environment: String): [String!]!
  }
  type Mutation { pause(input: PauseInput!): Rollout! }
  type Subscription { events(rolloutId: ID!): String! }
  input Filter { plan: String, phase: String }
  input PauseInput { rolloutId: ID!, reason: String, at: DateTime, value: Float }
  type Page { edges: [Edge!]!, pageInfo: PageInfo! }
  type Edge { cursor: String!, node: Rollout! }
  type PageInfo { hasNextPage: Boolean! }
  type Rollout { id: ID!, phases: [Phase!]! }
  type Phase { id: ID!, gate: Gate }
  type Gate { signedBy: String }
`);
schema.getQueryType()!.getFields().rollout.extensions = { complexity: temporalReadCost };
schema.getQueryType()!.getFields().rollouts.extensions = { complexity: pageCost };

const LIMITS: QueryLimits = {
  maxDepth: 10,
  maxCost: 5_000,
  maxRootFields: 20,
  maxNodes: 5_000,
  maxTokens: 15_000,
};

const op = (doc: DocumentNode) =>
  doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
const measure = (query: string, variables: Record<string, unknown> = {}) => {
  const doc = parse(query);
  return operationMeasures(schema, doc, op(doc), variables);
};
const check = (query: string, variables?: Record<string, unknown>, limits = LIMITS) => {
  const doc = parse(query);
  return () => checkOperation(limits, schema, doc, op(doc), variables);
};
const refusal = (query: string, variables?: Record<string, unknown>, limits = LIMITS) => {
  try {
    check(query, variables, limits)();
  } catch (error) {
    expect(error).toBeInstanceOf(QueryRefusal);
    return error as QueryRefusal;
  }
  throw new Error(`not refused: ${query}`);
};

/** `fragment F0 on Query { ...F1 ...F1 } … fragment Fn on Query { __typename }`: 2^n paths. */
function fanOut(n: number): string {
  const lines = ['query { ...F0 }'];
  for (let i = 0; i < n; i++) lines.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  lines.push(`fragment F${n} on Query { __typename }`);
  return lines.join('\n');
}

describe('operationMeasures', () => {
  test('depth, cost, root fields and nodes of a plain query; pages multiply their selection', () => {
    expect(measure('{ rollout(id: "a") { id phases { id gate { signedBy } } } }')).toEqual({
      depth: 4,
      cost: 100 + 1 + 1 + 1 + 1 + 1,
      rootFields: 1,
      nodes: 6,
      inputProblems: [],
    });
    // 1 + 30 × (edges 1 + cursor 1) and the variables are read coerced.
    expect(measure('query Q($n: Int) { rollouts(first: $n) { edges { cursor } } }', { n: 30 }).cost).toBe(61);
    expect(measure('{ flags }').cost).toBe(10); // an unmarked root field costs ROOT_FIELD_COST
    expect(measure('mutation { pause(input: { rolloutId: "a" }) { id } }').cost).toBe(101);
  });

  test('each alias costs like the field: 1,000 aliases of rollout cost 1,000 rollouts', () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: rollout(id: "x") { id }`).join(' ');
    expect(measure(`{ ${aliases} }`)).toMatchObject({ cost: 101_000, rootFields: 1000, nodes: 2000 });
  });

  test('fragments are measured once each: a 2^30 fan-out is measured at once, with its true size', () => {
    const started = process.hrtime.bigint();
    const m = measure(fanOut(30));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000); // linear: a few ms
    expect(m).toMatchObject({ cost: 2 ** 30, nodes: 2 ** 30, rootFields: 2 ** 30, depth: 0 });
    // Far past 2^53 the figures are still sound (no wrap-around), and a refusal says so.
    expect(measure(fanOut(1200)).cost).toBe(Infinity);
  });

  test('introspection counts no depth, but its fields count as nodes', () => {
    const m = measure(getIntrospectionQuery());
    expect(m.depth).toBe(0);
    expect(m.nodes).toBeGreaterThan(50);
    expect(m.nodes).toBeLessThan(LIMITS.maxNodes);
    expect(m.cost).toBeLessThan(LIMITS.maxCost);
  });

  test('a fragment that spreads itself is refused, not followed for ever', () => {
    const doc = 'query { ...A } fragment A on Query { ...B } fragment B on Query { flags ...A }';
    expect(() => measure(doc)).toThrow(/Fragment A spreads itself/);
  });

  test('every argument value is checked, literal or variable, inside fragments too, once per fragment', () => {
    expect(measure('{ flags(environment: "a\\u0000b") }').inputProblems).toEqual([
      'flags.environment must not contain NUL or other control characters',
    ]);
    expect(
      measure(
        'query Q($f: Filter) { ...R } fragment R on Query { rollouts(filter: $f) { edges { cursor } } }',
        {
          f: { plan: 'ok', phase: '\u0007' },
        },
      ).inputProblems,
    ).toEqual(['rollouts.filter.phase must not contain NUL or other control characters']);
    expect(
      measure('mutation M($at: DateTime) { pause(input: { rolloutId: "a", at: $at }) { id } }', {
        at: new Date('0001-01-01T00:00:00Z'),
      }).inputProblems,
    ).toEqual(['pause.input.at must be within ten years of now']);
  });
});

describe('checkOperation', () => {
  test('the existing limits: depth through fragments, cost', () => {
    expect(
      refusal(
        '{ rollout(id: "a") { ...R } } fragment R on Rollout { phases { gate { signedBy } } }',
        undefined,
        {
          ...LIMITS,
          maxDepth: 3,
        },
      ).extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', limit: 3, actual: 4, http: { status: 400 } });
    expect(refusal('{ rollouts(first: 5000) { edges { cursor } } }').message).toMatch(
      /^The query costs 10001; at most 5000 is allowed/,
    );
    expect(check('{ rollouts(first: 100) { edges { cursor } } }')).not.toThrow();
  });

  test('fan-outs of 2^21 and 2^30 are refused by cost at once', () => {
    for (const n of [21, 30]) {
      const error = refusal(fanOut(n));
      expect(error.message).toBe(
        `The query costs ${2 ** n}; at most 5000 is allowed (ask for fewer items per page, fewer fields or fewer aliases)`,
      );
    }
    expect(refusal(fanOut(1200)).extensions).toMatchObject({ actual: Number.MAX_SAFE_INTEGER });
  });

  test('1,000 aliases of rollout are refused by cost; many cheap root fields by their number', () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: rollout(id: "x") { id }`).join(' ');
    expect(refusal(`{ ${aliases} }`).message).toMatch(/^The query costs 101000; at most 5000/);
    const flags = Array.from({ length: 21 }, (_, i) => `f${i}: flags`).join(' ');
    expect(refusal(`{ ${flags} }`).message).toBe(
      'The operation has 21 top-level fields; at most 20 are allowed',
    );
    // Nodes: a page of none with a wide selection costs little, but is still too big a document.
    const wide = Array.from({ length: 30 }, (_, i) => `i${i}: id`).join(' ');
    const fan = `query { rollouts(first: 0) { edges { node { ...F0 } } } } ${Array.from(
      { length: 12 },
      (_, i) => `fragment F${i} on Rollout { ...F${i + 1} ...F${i + 1} }`,
    ).join(' ')} fragment F12 on Rollout { ${wide} }`;
    expect(refusal(fan).message).toMatch(/^The query selects \d+ fields once its fragments are expanded/);
  });

  test('wrong variable types are refused as BAD_USER_INPUT, every problem named', () => {
    const q = 'query Q($n: Int, $f: Filter) { rollouts(first: $n, filter: $f) { edges { cursor } } }';
    expect(refusal(q, { n: 'ten' }).message).toMatch(/Int cannot represent non-integer value: "ten"/);
    expect(refusal(q, { n: Infinity }).message).toMatch(/Int cannot represent/);
    const proto = JSON.parse('{"f": {"__proto__": {"x": 1}, "plan": "a"}}') as Record<string, unknown>;
    expect(refusal(q, proto).message).toMatch(/Field "__proto__" is not defined by type "Filter"/);
    const m = 'mutation M($v: Float) { pause(input: { rolloutId: "a", value: $v }) { id } }';
    expect(refusal(m, { v: Infinity }).message).toMatch(/Float cannot represent non numeric value: Infinity/);
    expect(refusal(q, { n: 'ten', f: 3 }).message).toMatch(/"ten".*; .*Filter/);
  });

  test('a subscription over HTTP is refused with a clear message', () => {
    expect(refusal('subscription { events(rolloutId: "a") }').message).toMatch(/served over WebSocket/);
  });

  test('bad argument values are refused with their problems', () => {
    expect(refusal('{ flags(environment: "\\u0000") }').extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: ['flags.environment must not contain NUL or other control characters'],
    });
  });
});
