import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** The running tracing SDK of this process: what the Temporal worker's workflow span sink needs. */
export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

let running: Tracing | undefined;

/** Whether traces are exported: only when an OTLP endpoint is configured (the OTel SDK's own variable). */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry SDK once per process when an OTLP endpoint is configured, else nothing (no SDK, no
 * interceptors, no overhead): spans go by OTLP over HTTP (JSON) to `OTEL_EXPORTER_OTLP_ENDPOINT`/v1/traces.
 * The exporter and batch processor read the standard `OTEL_*` variables (headers, timeouts, delays).
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (running || !tracingEnabled(env)) return running;
  const resource = tracingResource(serviceName, env);
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider, AsyncLocalStorage context and W3C trace-context propagation the interceptors use.
  provider.register();
  const tracing: Tracing = {
    resource,
    spanProcessor,
    shutdown: async () => {
      if (running !== tracing) return;
      running = undefined;
      await provider.shutdown();
    },
  };
  running = tracing;
  return tracing;
}

/**
 * What every span of this process says about it: the SDK's defaults, `OTEL_RESOURCE_ATTRIBUTES` (read by
 * the SDK's env detector, from `process.env`), and the service name (`OTEL_SERVICE_NAME` over ours).
 */
export function tracingResource(serviceName: string, env: NodeJS.ProcessEnv = process.env): Resource {
  return Resource.default()
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ 'service.name': env.OTEL_SERVICE_NAME || serviceName }));
}

/** The running SDK, if started. */
export function currentTracing(): Tracing | undefined {
  return running;
}

/** Flushes and stops the SDK, if started (at shutdown, so the last spans are sent). */
export async function stopTracing(): Promise<void> {
  await running?.shutdown();
}

/** The tracer for this project's own spans (a no-op one when the SDK is not started). */
export function tracer(): Tracer {
  return trace.getTracer('rollout-engine');
}
