import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { startStack, type Stack } from '../support/stack';
import { until } from '../support/wait';

// OpenTelemetry traces (docs/tracing.md): with OTEL_EXPORTER_OTLP_ENDPOINT set, one GraphQL mutation is one
// trace, from the API's request span through the Temporal client's Update call, the workflow's Update handler
// and the activities it runs on the worker, exported by both processes to one OTLP receiver.

jest.setTimeout(180_000);

const PLAN = `apiVersion: rollout/v1
kind: RolloutPlan
metadata:
  name: traced
phases:
  - id: staging
    name: Staging
    checklist:
      - { id: smoke, title: Smoke tests, kind: manual }
`;

let receiver: OtlpReceiver;
let stack: Stack;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // A short batch delay: spans arrive soon after they end (the test waits for them either way).
  stack = await startStack('tracing', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const START = `mutation S($input: StartRolloutInput!) { startRollout(input: $input) { id status } }`;
const ROLLOUT = `query R($id: ID!) { rollout(id: $id) { status } }`;
const PAUSE = `mutation P($input: PauseRolloutInput!) { pauseRollout(input: $input) { status } }`;

/** The span's ancestors within its trace, nearest first (stops where a parent is not (yet) received). */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  for (let s = span; s.parentSpanId;) {
    const parent = spans.find((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId);
    if (!parent) break;
    chain.push(parent);
    s = parent;
  }
  return chain;
}

test('a GraphQL mutation is one trace: request, Update call, Update handler and its activities', async () => {
  const planVersionId = await stack.importPlan({ yaml: PLAN });
  const started = await stack.gql(START, {
    input: { planVersionId, id: 'traced' },
  });
  expect(started.errors).toBeUndefined();
  await until('the rollout to run', async () => {
    const r = await stack.gql<{ rollout: { status: string } }>(ROLLOUT, { id: 'traced' });
    return r.data?.rollout.status === 'RUNNING';
  });

  const paused = await stack.gql<{ pauseRollout: { status: string } }>(PAUSE, {
    input: { rolloutId: 'traced', reason: 'traced' },
  });
  expect(paused.errors).toBeUndefined();
  expect(paused.data?.pauseRollout.status).toBe('PAUSED');

  const request = await until('the API to export the pauseRollout request span', () =>
    receiver.spans().find((s) => s.name === 'mutation pauseRollout'),
  );
  expect(request).toMatchObject({ service: 'rollout-api', parentSpanId: undefined });
  expect(request.attributes).toMatchObject({
    'graphql.operation.type': 'mutation',
    'http.response.status_code': 200,
  });

  const explain = () =>
    receiver
      .spans()
      .map((s) => `${s.traceId} ${s.service} ${s.name}`)
      .join('\n');
  // The worker's spans of that trace: the Update handled in the workflow and an activity it ran.
  const { activity, trace } = await until(
    "the worker to export the Update's activity in the mutation's trace",
    () => {
      const trace = receiver.spans().filter((s) => s.traceId === request.traceId);
      const activity = trace.find(
        (s) =>
          s.name.startsWith('RunActivity:') &&
          ancestors(s, trace).some((a) => a.name === 'HandleUpdate:pauseRollout'),
      );
      return activity && { activity, trace };
    },
    { explain },
  );

  // One tree: the activity's ancestry runs up through the workflow's handler and the client's call to the request.
  const chain = ancestors(activity, trace).map((s) => `${s.service} ${s.name}`);
  expect(chain[chain.length - 1]).toBe('rollout-api mutation pauseRollout');
  expect(chain).toEqual(
    expect.arrayContaining([
      'rollout-worker HandleUpdate:pauseRollout',
      'rollout-api StartWorkflowUpdate:pauseRollout',
    ]),
  );
  expect(chain.indexOf('rollout-worker HandleUpdate:pauseRollout')).toBeLessThan(
    chain.indexOf('rollout-api StartWorkflowUpdate:pauseRollout'),
  );
  expect(activity.service).toBe('rollout-worker');

  // Health probes (the stack polled /healthz while starting) make no traces.
  expect(receiver.spans().filter((s) => s.name.includes('healthz'))).toEqual([]);
  // Another request is another trace: the trace is the request's, not the process's.
  const start = receiver.spans().find((s) => s.name === 'mutation startRollout');
  expect(start?.traceId).toBeDefined();
  expect(start?.traceId).not.toBe(request.traceId);
});
