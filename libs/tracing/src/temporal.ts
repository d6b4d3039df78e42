import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { Tracing } from './tracing';

/**
 * The workflow interceptors' module, bundled with the workflows: a span per run, Update, signal and query,
 * and the trace context passed on to the activities they schedule. Its spans leave the sandbox by the
 * `exporter` sink, which is not called during replay, so it changes no command and histories replay with or
 * without it.
 */
export const workflowInterceptorsModule =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The Temporal client's interceptors: the trace context of the caller (a GraphQL request) goes in the headers. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/** What a worker (or replayer) adds to trace workflows and activities: interceptors and the span sink. */
export function tracingWorkerOptions(
  tracing: Tracing | undefined,
): { interceptors: WorkerInterceptors; sinks: InjectedSinks<OpenTelemetrySinks> } | undefined {
  if (!tracing) return undefined;
  return {
    interceptors: {
      workflowModules: [workflowInterceptorsModule],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
