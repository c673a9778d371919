// The http/protobuf encoding of a batch: Export{Metrics,Logs,Trace}ServiceRequest in the protobuf wire format.
import {
  CUMULATIVE,
  SPAN_KIND_INTERNAL,
  STATUS_CODE_OK,
  nanos,
  typedValue,
  type Attributes,
  type LogsBatch,
  type MetricsBatch,
  type Scope,
  type TracesBatch,
} from './otlp-batch.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

// Field numbers from opentelemetry-proto (v1.x, opentelemetry/proto/…/v1/*.proto); only the fields tradedesk sends.
/** common/v1 AnyValue (a oneof: written even when zero or false, or the value is absent). */
const AnyValue = { string: 1, bool: 2, int: 3, double: 4 } as const;
const KeyValue = { key: 1, value: 2 } as const;
const InstrumentationScope = { name: 1, version: 2 } as const;
/** resource/v1 Resource. */
const Resource = { attributes: 1 } as const;
/** collector/…/v1 Export…ServiceRequest: resource_metrics, resource_logs, resource_spans. */
const ExportRequest = { resources: 1 } as const;
/** ResourceMetrics, ResourceLogs and ResourceSpans share their numbering, as do ScopeMetrics, ScopeLogs and ScopeSpans. */
const ResourceData = { resource: 1, scopes: 2 } as const;
const ScopeData = { scope: 1, items: 2 } as const;
/** metrics/v1 */
const Metric = { name: 1, description: 2, unit: 3, gauge: 5, sum: 7 } as const;
const Gauge = { dataPoints: 1 } as const;
const Sum = { dataPoints: 1, aggregationTemporality: 2, isMonotonic: 3 } as const;
/** as_double is a double, as_int an sfixed64. */
const NumberDataPoint = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  asDouble: 4,
  asInt: 6,
  attributes: 7,
} as const;
/** logs/v1 */
const LogRecord = {
  timeUnixNano: 1,
  severityNumber: 2,
  severityText: 3,
  body: 5,
  attributes: 6,
  observedTimeUnixNano: 11,
} as const;
/** trace/v1 */
const Span = {
  traceId: 1,
  spanId: 2,
  parentSpanId: 4,
  name: 5,
  kind: 6,
  startTimeUnixNano: 7,
  endTimeUnixNano: 8,
  attributes: 9,
  status: 15,
} as const;
const Status = { code: 3 } as const;

function writeAttributes(w: ProtobufWriter, field: number, a: Attributes): void {
  for (const [key, v] of Object.entries(a))
    w.message(field, () => {
      w.string(KeyValue.key, key);
      w.message(KeyValue.value, () => {
        const t = typedValue(v);
        if (t.type === 'string') w.string(AnyValue.string, t.value);
        else if (t.type === 'bool') w.bool(AnyValue.bool, t.value);
        else if (t.type === 'int') w.int64(AnyValue.int, t.value);
        else w.double(AnyValue.double, t.value);
      });
    });
}

/** The envelope every signal shares: one resource, one scope, then the signal's own items. */
function request(resource: Attributes, scope: Scope, items: (w: ProtobufWriter) => void): Uint8Array {
  const w = new ProtobufWriter();
  w.message(ExportRequest.resources, () => {
    w.message(ResourceData.resource, () => writeAttributes(w, Resource.attributes, resource));
    w.message(ResourceData.scopes, () => {
      w.message(ScopeData.scope, () => {
        w.string(InstrumentationScope.name, scope.name);
        w.string(InstrumentationScope.version, scope.version);
      });
      items(w);
    });
  });
  return w.finish();
}

/** 32 or 16 hex digits as the 16 or 8 bytes protobuf carries. */
function idBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

export function metricsProtobuf(b: MetricsBatch): Uint8Array {
  return request(b.resource, b.scope, (w) => {
    for (const m of b.metrics)
      w.message(ScopeData.items, () => {
        w.string(Metric.name, m.name);
        w.string(Metric.description, m.description);
        w.string(Metric.unit, m.unit);
        if (m.kind === 'gauge')
          w.message(Metric.gauge, () => {
            for (const p of m.points)
              w.message(Gauge.dataPoints, () => {
                w.fixed64(NumberDataPoint.timeUnixNano, nanos(p.timeMs));
                w.double(NumberDataPoint.asDouble, p.value);
                writeAttributes(w, NumberDataPoint.attributes, p.attributes);
              });
          });
        else
          w.message(Metric.sum, () => {
            for (const p of m.points)
              w.message(Sum.dataPoints, () => {
                w.fixed64(NumberDataPoint.startTimeUnixNano, nanos(p.startMs));
                w.fixed64(NumberDataPoint.timeUnixNano, nanos(p.timeMs));
                w.fixed64(NumberDataPoint.asInt, BigInt(p.count));
                writeAttributes(w, NumberDataPoint.attributes, p.attributes);
              });
            w.uint(Sum.aggregationTemporality, CUMULATIVE);
            w.bool(Sum.isMonotonic, true);
          });
      });
  });
}

export function logsProtobuf(b: LogsBatch): Uint8Array {
  const observed = nanos(b.observedMs);
  return request(b.resource, b.scope, (w) => {
    for (const l of b.records)
      w.message(ScopeData.items, () => {
        w.fixed64(LogRecord.timeUnixNano, nanos(l.tsMs));
        w.uint(LogRecord.severityNumber, l.severityNumber);
        w.string(LogRecord.severityText, l.severityText);
        w.message(LogRecord.body, () => w.string(AnyValue.string, l.body));
        writeAttributes(w, LogRecord.attributes, l.attributes);
        w.fixed64(LogRecord.observedTimeUnixNano, observed);
      });
  });
}

export function tracesProtobuf(b: TracesBatch): Uint8Array {
  return request(b.resource, b.scope, (w) => {
    for (const s of b.spans)
      w.message(ScopeData.items, () => {
        w.bytes(Span.traceId, idBytes(s.traceId));
        w.bytes(Span.spanId, idBytes(s.spanId));
        if (s.parentSpanId) w.bytes(Span.parentSpanId, idBytes(s.parentSpanId));
        w.string(Span.name, s.name);
        w.uint(Span.kind, SPAN_KIND_INTERNAL);
        w.fixed64(Span.startTimeUnixNano, nanos(s.startMs));
        w.fixed64(Span.endTimeUnixNano, nanos(s.endMs));
        writeAttributes(w, Span.attributes, s.attributes);
        w.message(Span.status, () => w.uint(Status.code, STATUS_CODE_OK));
      });
  });
}
