import { trace } from '@opentelemetry/api';
import {
  startTracing,
  tracingClientInterceptors,
  tracingEnabled,
  tracingResource,
  tracingWorkerOptions,
} from '.';

// Without an OTLP endpoint nothing is started or installed: no SDK, no interceptors, no workflow sink.

test('without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK, no global tracer provider, no interceptors', () => {
  expect(tracingEnabled({})).toBe(false);
  expect(startTracing('rollout-api', {})).toBeUndefined();
  // The API's default (no-op) tracer: spans are not recording, so they cost nothing and go nowhere.
  expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);
  expect(tracingClientInterceptors(undefined)).toBeUndefined();
  expect(tracingWorkerOptions(undefined)).toBeUndefined();
});

test('an endpoint for traces (either variable) turns tracing on', () => {
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' })).toBe(true);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
});

test("OTEL_RESOURCE_ATTRIBUTES adds to the resource; the service name is OTEL_SERVICE_NAME's, else ours", () => {
  const saved = process.env.OTEL_RESOURCE_ATTRIBUTES;
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment=staging,service.name=ignored';
  try {
    expect(tracingResource('rollout-api', {}).attributes).toMatchObject({
      'deployment.environment': 'staging',
      'service.name': 'rollout-api',
    });
    expect(tracingResource('rollout-api', { OTEL_SERVICE_NAME: 'rollouts-eu' }).attributes).toMatchObject({
      'service.name': 'rollouts-eu',
    });
  } finally {
    if (saved === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    else process.env.OTEL_RESOURCE_ATTRIBUTES = saved;
  }
});
