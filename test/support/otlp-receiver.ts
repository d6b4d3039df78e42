import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** One span as an OTLP/HTTP JSON export carries it (IDs in hex), with its resource's `service.name`. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

export interface OtlpReceiver {
  /** The base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  /** Every span received so far, in order of arrival. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * A stand-in OpenTelemetry collector: a real HTTP server taking OTLP/HTTP JSON exports on /v1/traces (what
 * @opentelemetry/exporter-trace-otlp-http sends) and answering them as a collector does.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: WebhookReceiver = await startWebhookReceiver({
    record: (_req, url) => url.pathname === '/v1/traces',
    route: (_req, url) => (url.pathname === '/v1/traces' ? { status: 200, body: {} } : 404),
  });
  return {
    url: receiver.url,
    spans: () => receiver.received.flatMap((r) => spansOf(r.body as OtlpTraces)),
    close: () => receiver.close(),
  };
}

function spansOf(body: OtlpTraces): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)['service.name']);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId || undefined,
        name: s.name,
        attributes: attributesOf(s.attributes),
      })),
    );
  });
}

function attributesOf(attributes: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue,
    ]),
  );
}
