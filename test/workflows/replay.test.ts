import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../apps/cli/src/simulate/workflow-bundle';
import { tracingWorkerOptions, workflowInterceptorsModule } from '../../libs/tracing/src';
import { recordedHistories } from '../support/histories';

// Every history recorded by the workflow suites (RECORD_HISTORIES=1) replays against the current workflow
// code: a change to what a running rollout or phase does must be guarded with patched(), or this fails with
// a nondeterminism error naming the history.

jest.setTimeout(300_000);

const histories = recordedHistories();

test("histories of the engine's workflows are recorded", () => {
  const types = new Set(histories.map(({ history }) => workflowTypeOf(history)));
  expect(types).toEqual(new Set(['planRolloutWorkflow', 'phaseWorkflow']));
});

test.each(histories.map((h) => [h.name, h.history] as const))('%s replays', async (name, history) => {
  // One bundle for all of them (bundling per history took most of this test's time); cached on disk.
  const bundle = await workflowBundle();
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, name)).resolves.toBeUndefined();
});

// A worker with OTEL_EXPORTER_OTLP_ENDPOINT set bundles the tracing interceptors with the workflows: the same
// histories replay with them too (they add no command), and a replay exports no span a second time.
test.each(histories.map((h) => [h.name, h.history] as const))('%s replays traced', async (name, history) => {
  const bundle = await workflowBundle([workflowInterceptorsModule]);
  const exported = new InMemorySpanExporter();
  const traced = tracingWorkerOptions({
    resource: Resource.default(),
    spanProcessor: new SimpleSpanProcessor(exported),
    shutdown: () => Promise.resolve(),
  });
  await expect(
    Worker.runReplayHistory({ workflowBundle: bundle, sinks: traced?.sinks }, history, name),
  ).resolves.toBeUndefined();
  expect(exported.getFinishedSpans()).toEqual([]);
});

function workflowTypeOf(history: unknown): string | undefined {
  const first = (
    history as {
      events?: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
    }
  ).events?.[0];
  return first?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}
