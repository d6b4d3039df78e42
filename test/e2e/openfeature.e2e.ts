import { MikroORM } from '@mikro-orm/core';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import { FlagValue, loadPersistenceConfig, mikroOrmOptions } from '../../libs/persistence/src';
import { describeEachDatabase } from '../support/postgres';
import { rolloutOperations } from '../support/rollout-operations';
import { type GqlResponse, startStack, type Stack } from '../support/stack';
import { until as waitUntil } from '../support/wait';

// Applications read the flags a rollout switches through OpenFeature's remote evaluation protocol (OFREP),
// with the real OpenFeature server SDK and its OFREP provider against the built API and worker on a
// Temporal dev server: values follow the rollout's phases and go back to their defaults after a rollback; an
// unknown flag is an error the application sees, not a silent default; the bulk read answers 304 to its ETag.

jest.setTimeout(240_000);

const PLAN = [
  'apiVersion: rollout/v1',
  'kind: RolloutPlan',
  'metadata:',
  '  name: ofrep-launch',
  'flags:',
  '  - { key: kwik_integration, default: false }',
  '  - { key: pilot_limit, default: 0 }',
  '  - { key: checkout_theme, default: classic }',
  'phases:',
  '  - id: pilot',
  '    name: Pilot',
  '    flags: { kwik_integration: true, pilot_limit: 25 }',
  '    checklist:',
  '      - { id: smoke, title: Smoke tests pass, kind: manual }',
  '  - id: general',
  '    name: General availability',
  '    flags: { pilot_limit: 1000, checkout_theme: fresh }',
  '    checklist:',
  '      - { id: announce, title: Announce it, kind: manual }',
  '',
].join('\n');

const API_KEY = 'shop-frontend-0123456789abcdef';

const { START, ROLLOUT, mutation, COMPLETE, SIGN } = rolloutOperations('status currentPhase');
const ROLLBACK = mutation('triggerRollback', 'TriggerRollbackInput');
type Rollout = { status: string; currentPhase?: string | null };

describeEachDatabase((database) => {
  let stack: Stack;
  let client: Client;
  let readerToken: string;

  const until = <T>(what: string, check: () => Promise<T | undefined | false>) =>
    waitUntil(what, check, { timeoutMs: 60_000, explain: () => stack.workerOutput().slice(-2000) });

  /** What the application reads now, through the SDK: value, reason, variant, error code. */
  async function read() {
    const [kwik, limit, theme] = await Promise.all([
      client.getBooleanDetails('kwik_integration', false),
      client.getNumberDetails('pilot_limit', -1),
      client.getStringDetails('checkout_theme', 'code-default'),
    ]);
    return {
      kwik: [kwik.value, kwik.reason, kwik.errorCode],
      limit: [limit.value, limit.reason, limit.errorCode],
      theme: [theme.value, theme.reason, theme.errorCode],
    };
  }

  /** The rollout's mutation, as an admin, once accepted (a gate not yet ready is "not yet"). */
  async function act(what: string, query: string, input: Record<string, unknown>): Promise<Rollout> {
    return until(what, async () => {
      const r: GqlResponse<Record<string, Rollout>> = await stack.gql(query, { input });
      if (r.errors) throw new Error(JSON.stringify(r.errors[0]));
      return Object.values(r.data ?? {})[0];
    });
  }

  const bulk = (headers: Record<string, string>, body: unknown = { context: { targetingKey: 'u1' } }) =>
    fetch(`${stack.apiUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startStack('openfeature', { database, env: { OFREP_API_KEYS: API_KEY } });
    // The token an application holds: `npm run cli -- token create --user shop --roles flag-reader`.
    readerToken = await stack.token('shop', ['flag-reader']);
    await OpenFeature.setProviderAndWait(
      new OFREPProvider({ baseUrl: stack.apiUrl, headers: [['Authorization', `Bearer ${readerToken}`]] }),
    );
    client = OpenFeature.getClient('openfeature-e2e');
  });

  afterAll(async () => {
    await OpenFeature.close();
    await stack?.stop();
  });

  test('flags follow the rollout through its phases and back to their defaults after a rollback', async () => {
    // Before any rollout registers them, the flags do not exist: the application is told so.
    expect((await read()).kwik).toEqual([false, 'ERROR', ErrorCode.FLAG_NOT_FOUND]);

    const planVersionId = await stack.importPlan({ yaml: PLAN });
    const rolloutId = 'ofrep-launch';
    const started = await act('started', START, { id: rolloutId, planVersionId });
    expect(started.currentPhase).toBe('pilot');

    // The pilot phase's values: set by a phase (STATIC); the flag it leaves alone keeps its DEFAULT.
    expect(
      await until('the pilot values', async () => {
        const now = await read();
        return now.limit[0] === 25 && now;
      }),
    ).toEqual({
      kwik: [true, 'STATIC', undefined],
      limit: [25, 'STATIC', undefined],
      theme: ['classic', 'DEFAULT', undefined],
    });
    const pilot = await client.getBooleanDetails('kwik_integration', false);
    expect(pilot).toMatchObject({
      variant: `rollout:${rolloutId}`,
      flagMetadata: { rolloutId, segment: '*' },
    });

    await act('smoke done', COMPLETE, { rolloutId, itemId: 'smoke' });
    const general = await act('pilot signed', SIGN, { rolloutId, phaseId: 'pilot' });
    expect(general.currentPhase).toBe('general');
    expect(
      await until('the general values', async () => {
        const now = await read();
        return now.theme[0] === 'fresh' && now;
      }),
    ).toEqual({
      kwik: [true, 'STATIC', undefined],
      limit: [1000, 'STATIC', undefined],
      theme: ['fresh', 'STATIC', undefined],
    });

    await act('rollback accepted', ROLLBACK, { rolloutId, reason: 'checkout errors' });
    await until('rolled back', async () => {
      const r = await stack.gql<{ rollout: Rollout }>(ROLLOUT, { id: rolloutId });
      return r.data?.rollout.status === 'ROLLED_BACK';
    });
    // Every flag is the plan's default again, and says so.
    expect(await read()).toEqual({
      kwik: [false, 'DEFAULT', undefined],
      limit: [0, 'DEFAULT', undefined],
      theme: ['classic', 'DEFAULT', undefined],
    });
  });

  test('an unknown flag is FLAG_NOT_FOUND on the evaluation details, not a silent default', async () => {
    const details = await client.getBooleanDetails('no_such_flag', true);
    expect(details).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: "Flag 'no_such_flag' was not found",
    });
    // An environment that is not a name is the context's fault.
    const bad = await client.getBooleanDetails('kwik_integration', false, { environment: 42 });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_CONTEXT);
  });

  test("the context's environment selects its own value over everyone's", async () => {
    await until('kwik_integration registered', async () => {
      const d = await client.getBooleanDetails('kwik_integration', false);
      return d.errorCode === undefined;
    });
    // The store holds environments as segments; no plan writes one, so one is written here as an operator would.
    const orm = await MikroORM.init(
      mikroOrmOptions(loadPersistenceConfig({ DATABASE_URL: stack.databaseUrl })),
    );
    try {
      const em = orm.em.fork();
      em.create(FlagValue, {
        key: 'kwik_integration',
        segment: 'staging',
        value: true,
        updatedBy: 'ops',
        updatedAt: new Date(),
        rolloutId: null,
      });
      await em.flush();
    } finally {
      await orm.close();
    }
    const staging = await client.getBooleanDetails('kwik_integration', false, { environment: 'staging' });
    expect(staging).toMatchObject({ value: true, reason: 'TARGETING_MATCH', variant: 'environment:staging' });
    const production = await client.getBooleanDetails('kwik_integration', false, {
      environment: 'production',
    });
    expect(production).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  test('bulk: an ETag, and 304 to a second read that sends it back; a changed store answers anew', async () => {
    const auth = { authorization: `Bearer ${readerToken}` };
    const first = await bulk(auth);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const body = (await first.json()) as { flags: { key: string; value?: unknown; reason?: string }[] };
    expect(body.flags.map((f) => [f.key, f.value, f.reason])).toEqual([
      ['checkout_theme', 'classic', 'DEFAULT'],
      ['kwik_integration', false, 'DEFAULT'],
      ['pilot_limit', 0, 'DEFAULT'],
    ]);

    const again = await bulk({ ...auth, 'if-none-match': etag! });
    expect([again.status, await again.text(), again.headers.get('etag')]).toEqual([304, '', etag]);

    // Another environment reads other evaluations: another tag, so no 304.
    const staging = await bulk({ ...auth, 'if-none-match': etag! }, { context: { environment: 'staging' } });
    expect(staging.status).toBe(200);
    expect(staging.headers.get('etag')).not.toBe(etag);
  });

  test('who may read: a flag-reader token or an X-API-Key, OFREP only; malformed requests are 400s', async () => {
    expect((await bulk({})).status).toBe(401);
    expect((await bulk({ 'x-api-key': API_KEY })).status).toBe(200);
    expect((await bulk({ 'x-api-key': `${API_KEY}x` })).status).toBe(401);
    // A viewer reads too (the POST is a read); a flag reader may not use GraphQL.
    const viewer = await stack.token('vera', ['viewer']);
    expect((await bulk({ authorization: `Bearer ${viewer}` })).status).toBe(200);
    const graphql = await stack.gql('{ flags { key } }', {}, { id: 'shop', roles: ['flag-reader'] });
    expect(graphql.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Viewer and flag reader together: a reader of everything, who still may not act.
    const both = { id: 'mix', roles: ['viewer', 'flag-reader'] };
    expect((await stack.gql('{ flags { key } }', {}, both)).errors).toBeUndefined();
    const pause = await stack.gql(
      'mutation { pauseRollout(input: { rolloutId: "ofrep-launch" }) { status } }',
      {},
      both,
    );
    expect(pause.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const auth = { authorization: `Bearer ${readerToken}` };
    const noContext = await bulk(auth, { flags: [] });
    expect([noContext.status, await noContext.json()]).toEqual([
      400,
      { errorCode: 'PARSE_ERROR', errorDetails: expect.any(String) as unknown },
    ]);
    const notJson = await bulk(auth, '{"context":');
    expect([notJson.status, ((await notJson.json()) as { errorCode?: string }).errorCode]).toEqual([
      400,
      'PARSE_ERROR',
    ]);
    const one = await fetch(`${stack.apiUrl}/ofrep/v1/evaluate/flags/kwik_integration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ context: { environment: '' } }),
    });
    expect([one.status, await one.json()]).toEqual([
      400,
      {
        key: 'kwik_integration',
        errorCode: 'INVALID_CONTEXT',
        errorDetails: 'context.environment must not be blank',
      },
    ]);
    // A key no flag can have is not looked up: FLAG_NOT_FOUND, saying why.
    const long = 'k'.repeat(300);
    const tooLong = await fetch(`${stack.apiUrl}/ofrep/v1/evaluate/flags/${long}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ context: {} }),
    });
    expect([tooLong.status, await tooLong.json()]).toEqual([
      404,
      {
        key: long,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: 'No such flag: a flag key is at most 255 characters',
      },
    ]);
  });
});
