import {
  bulkEtag,
  evaluateAll,
  evaluateFlag,
  flagKeyProblem,
  ifNoneMatch,
  isFailure,
  ofrepRoute,
  parseEvaluationRequest,
  type StoredFlag,
} from './ofrep.evaluation';

const at = new Date('2026-11-30T10:00:00.000Z');
const row = (over: Partial<StoredFlag> & Pick<StoredFlag, 'key' | 'value'>): StoredFlag => ({
  segment: '*',
  updatedBy: 'engine',
  updatedAt: at,
  rolloutId: 'r1',
  ...over,
});

const store: StoredFlag[] = [
  // Set by the rollout's phase: not the plan's default.
  row({ key: 'kwik_integration', value: true, declaredDefault: false }),
  // Registered with its default, or put back by a rollback.
  row({ key: 'pilot_limit', value: 0, declaredDefault: 0 }),
  // Set outside any rollout, no default known.
  row({ key: 'theme', value: 'blue', rolloutId: null }),
  // The staging environment's own value.
  row({ key: 'kwik_integration', segment: 'staging', value: false, declaredDefault: false }),
  row({ key: 'staging_only', segment: 'staging', value: 3 }),
];
const everyone = { environment: '*' };
const staging = { environment: 'staging' };

describe('OFREP evaluation of the flag store', () => {
  test('a phase value is STATIC, a declared default DEFAULT, with the variant and metadata saying where from', () => {
    expect(evaluateFlag('kwik_integration', store, everyone)).toEqual({
      key: 'kwik_integration',
      value: true,
      reason: 'STATIC',
      variant: 'rollout:r1',
      metadata: { segment: '*', updatedBy: 'engine', updatedAt: at.toISOString(), rolloutId: 'r1' },
    });
    expect(evaluateFlag('pilot_limit', store, everyone)).toMatchObject({
      value: 0,
      reason: 'DEFAULT',
      variant: 'default',
    });
    const theme = evaluateFlag('theme', store, everyone);
    expect(theme).toMatchObject({ value: 'blue', reason: 'STATIC', variant: 'static' });
    expect(theme).not.toHaveProperty('metadata.rolloutId');
  });

  test("the context's environment selects its own value over everyone's: TARGETING_MATCH", () => {
    expect(evaluateFlag('kwik_integration', store, staging)).toMatchObject({
      value: false,
      reason: 'TARGETING_MATCH',
      variant: 'environment:staging',
      metadata: { segment: 'staging' },
    });
    // No value of its own: everyone's, with everyone's reason.
    expect(evaluateFlag('theme', store, staging)).toMatchObject({ value: 'blue', reason: 'STATIC' });
    // An environment the store has no segment for reads everyone's values (documented).
    expect(evaluateFlag('kwik_integration', store, { environment: 'production' })).toMatchObject({
      value: true,
      reason: 'STATIC',
      metadata: { segment: '*' },
    });
  });

  test('an unknown flag is FLAG_NOT_FOUND, and so is a key only another environment has', () => {
    expect(evaluateFlag('nope', store, everyone)).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: "Flag 'nope' was not found",
    });
    const other = evaluateFlag('staging_only', store, { environment: 'production' });
    expect(isFailure(other) && other.errorCode).toBe('FLAG_NOT_FOUND');
    expect(evaluateFlag('staging_only', store, staging)).toMatchObject({
      value: 3,
      reason: 'TARGETING_MATCH',
    });
  });

  test('bulk: every key the context sees, in key order', () => {
    expect(evaluateAll(store, everyone).map((e) => e.key)).toEqual([
      'kwik_integration',
      'pilot_limit',
      'theme',
    ]);
    expect(evaluateAll(store, staging).map((e) => [e.key, 'value' in e ? e.value : e.errorCode])).toEqual([
      ['kwik_integration', false],
      ['pilot_limit', 0],
      ['staging_only', 3],
      ['theme', 'blue'],
    ]);
  });
});

describe('OFREP evaluation requests', () => {
  test('the context is read; only environment matters; none means everyone', () => {
    expect(parseEvaluationRequest({ context: {} })).toEqual({ ok: true, context: { environment: '*' } });
    expect(
      parseEvaluationRequest({ context: { targetingKey: 'u1', environment: 'staging', plan: 'gold' } }),
    ).toEqual({ ok: true, context: { environment: 'staging' } });
    expect(parseEvaluationRequest({ context: { environment: null } })).toMatchObject({
      context: { environment: '*' },
    });
  });

  test('no object with a context object is PARSE_ERROR', () => {
    for (const body of [undefined, null, 'x', 42, [], {}, { context: 'staging' }, { context: [] }])
      expect(parseEvaluationRequest(body)).toMatchObject({ ok: false, errorCode: 'PARSE_ERROR' });
  });

  test('an environment that cannot name a segment is INVALID_CONTEXT, saying why', () => {
    const cases: [unknown, RegExp][] = [
      [42, /must be a string/],
      [['a'], /must be a string/],
      ['  ', /must not be blank/],
      ['x'.repeat(129), /at most 128/],
      ['a\u0000b', /control characters/],
    ];
    for (const [environment, why] of cases)
      expect(parseEvaluationRequest({ context: { environment } })).toEqual({
        ok: false,
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(why) as unknown,
      });
  });
});

test('a key no flag can have (too long for the store, control characters, a lone surrogate) is named', () => {
  expect(flagKeyProblem('kwik_integration')).toBeUndefined();
  expect(flagKeyProblem('x'.repeat(255))).toBeUndefined();
  expect(flagKeyProblem('x'.repeat(256))).toBe('a flag key is at most 255 characters');
  expect(flagKeyProblem('a\u0000b')).toMatch(/^a flag key must not contain NUL/);
  expect(flagKeyProblem('a\ud800')).toMatch(/^a flag key must be well-formed Unicode/);
});

test('OFREP routes by path, with the flag key of the one-flag route', () => {
  expect(ofrepRoute('/ofrep/v1/evaluate/flags')).toEqual({});
  expect(ofrepRoute('/ofrep/v1/evaluate/flags/kwik_integration')).toEqual({ key: 'kwik_integration' });
  expect(ofrepRoute('/ofrep/v1/evaluate/flags/a%20b')).toEqual({ key: 'a b' });
  expect(ofrepRoute('/ofrep/v1/evaluate/flags/a/b')).toBeUndefined();
  expect(ofrepRoute('/graphql')).toBeUndefined();
});

describe('the bulk ETag', () => {
  const flags = evaluateAll(store, everyone);
  const etag = bulkEtag(flags);

  test('a strong quoted tag, the same for the same evaluations', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(bulkEtag(evaluateAll([...store].reverse(), everyone))).toBe(etag);
  });

  test('changes when a value, a reason or an update time changes, or the environment sees other flags', () => {
    const changed = (i: number, over: Partial<StoredFlag>) =>
      bulkEtag(
        evaluateAll(
          store.map((r, j) => (j === i ? { ...r, ...over } : r)),
          everyone,
        ),
      );
    expect(changed(0, { value: false })).not.toBe(etag); // back to the default: value and reason
    expect(changed(2, { updatedAt: new Date(at.getTime() + 1) })).not.toBe(etag); // rewritten
    expect(bulkEtag(evaluateAll(store, staging))).not.toBe(etag);
  });

  test('If-None-Match: the tag, a list holding it, its weak form or *; nothing else', () => {
    expect(ifNoneMatch(etag, etag)).toBe(true);
    expect(ifNoneMatch(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatch(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatch('*', etag)).toBe(true);
    expect(ifNoneMatch(undefined, etag)).toBe(false);
    expect(ifNoneMatch('"other"', etag)).toBe(false);
    expect(ifNoneMatch(etag.slice(1, -1), etag)).toBe(false); // unquoted is another tag
  });
});
