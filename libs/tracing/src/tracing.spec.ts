import { trace } from '@opentelemetry/api';
import { startTracing, tracingClientInterceptors, tracingEnabled, tracingWorkerOptions } from '.';

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
