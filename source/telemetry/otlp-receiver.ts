// A real OTLP/HTTP receiver on 127.0.0.1 for the telemetry tests. It reads protobuf with protobufjs against
// opentelemetry-proto's schema as declared below, not with our encoder's tables, so the two can disagree and a test fail.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

/** The subset of opentelemetry-proto v1 that tradedesk sends: names, types and field numbers as upstream has them. */
const OPENTELEMETRY_PROTO = [
  `syntax = "proto3";
  package opentelemetry.proto.common.v1;
  message AnyValue {
    oneof value {
      string string_value = 1;
      bool bool_value = 2;
      int64 int_value = 3;
      double double_value = 4;
    }
  }
  message KeyValue {
    string key = 1;
    AnyValue value = 2;
  }
  message InstrumentationScope {
    string name = 1;
    string version = 2;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.resource.v1;
  message Resource {
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.metrics.v1;
  message ResourceMetrics {
    opentelemetry.proto.resource.v1.Resource resource = 1;
    repeated ScopeMetrics scope_metrics = 2;
  }
  message ScopeMetrics {
    opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
    repeated Metric metrics = 2;
  }
  message Metric {
    string name = 1;
    string description = 2;
    string unit = 3;
    oneof data {
      Gauge gauge = 5;
      Sum sum = 7;
    }
  }
  message Gauge {
    repeated NumberDataPoint data_points = 1;
  }
  message Sum {
    repeated NumberDataPoint data_points = 1;
    AggregationTemporality aggregation_temporality = 2;
    bool is_monotonic = 3;
  }
  enum AggregationTemporality {
    AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
    AGGREGATION_TEMPORALITY_DELTA = 1;
    AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
  }
  message NumberDataPoint {
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
    fixed64 start_time_unix_nano = 2;
    fixed64 time_unix_nano = 3;
    oneof value {
      double as_double = 4;
      sfixed64 as_int = 6;
    }
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.logs.v1;
  message ResourceLogs {
    opentelemetry.proto.resource.v1.Resource resource = 1;
    repeated ScopeLogs scope_logs = 2;
  }
  message ScopeLogs {
    opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
    repeated LogRecord log_records = 2;
  }
  enum SeverityNumber {
    SEVERITY_NUMBER_UNSPECIFIED = 0;
    SEVERITY_NUMBER_INFO = 9;
    SEVERITY_NUMBER_WARN = 13;
    SEVERITY_NUMBER_ERROR = 17;
    SEVERITY_NUMBER_FATAL = 21;
  }
  message LogRecord {
    fixed64 time_unix_nano = 1;
    fixed64 observed_time_unix_nano = 11;
    SeverityNumber severity_number = 2;
    string severity_text = 3;
    opentelemetry.proto.common.v1.AnyValue body = 5;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.trace.v1;
  message ResourceSpans {
    opentelemetry.proto.resource.v1.Resource resource = 1;
    repeated ScopeSpans scope_spans = 2;
  }
  message ScopeSpans {
    opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
    repeated Span spans = 2;
  }
  message Span {
    bytes trace_id = 1;
    bytes span_id = 2;
    bytes parent_span_id = 4;
    string name = 5;
    enum SpanKind {
      SPAN_KIND_UNSPECIFIED = 0;
      SPAN_KIND_INTERNAL = 1;
      SPAN_KIND_SERVER = 2;
      SPAN_KIND_CLIENT = 3;
      SPAN_KIND_PRODUCER = 4;
      SPAN_KIND_CONSUMER = 5;
    }
    SpanKind kind = 6;
    fixed64 start_time_unix_nano = 7;
    fixed64 end_time_unix_nano = 8;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
    Status status = 15;
  }
  message Status {
    enum StatusCode {
      STATUS_CODE_UNSET = 0;
      STATUS_CODE_OK = 1;
      STATUS_CODE_ERROR = 2;
    }
    StatusCode code = 3;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.collector.metrics.v1;
  message ExportMetricsServiceRequest {
    repeated opentelemetry.proto.metrics.v1.ResourceMetrics resource_metrics = 1;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.collector.logs.v1;
  message ExportLogsServiceRequest {
    repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1;
  }`,
  `syntax = "proto3";
  package opentelemetry.proto.collector.trace.v1;
  message ExportTraceServiceRequest {
    repeated opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1;
  }`,
];

const schema = new protobuf.Root();
for (const file of OPENTELEMETRY_PROTO) protobuf.parse(file, schema);

const REQUEST_BY_PATH: Record<string, protobuf.Type> = {
  '/v1/metrics': schema.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
  '/v1/logs': schema.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  '/v1/traces': schema.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
};

type Json = Record<string, unknown>;

/**
 * A protobuf export request read back into the shape of the JSON mapping (lowerCamelCase, 64-bit integers as
 * decimal strings, enums as numbers, ids as hex), so one set of assertions reads either encoding.
 */
export function decodeOtlpProtobuf(path: string, bytes: Uint8Array): Json {
  const type = REQUEST_BY_PATH[path];
  if (!type) throw new Error(`no OTLP request type for ${path}`);
  const body = type.toObject(type.decode(bytes), {
    longs: String,
    enums: Number,
    bytes: String,
    arrays: true,
  });
  for (const rs of (body.resourceSpans ?? []) as Json[])
    for (const ss of rs.scopeSpans as Json[])
      for (const span of ss.spans as Json[])
        for (const id of ['traceId', 'spanId', 'parentSpanId'])
          if (typeof span[id] === 'string') span[id] = Buffer.from(span[id], 'base64').toString('hex');
  return body;
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as it arrived. */
  raw: Buffer;
  /** The body decoded by its content type: protobuf into the JSON mapping's shape, JSON as it is. */
  body: Json;
}

/** An OTLP/HTTP receiver (and webhook) on 127.0.0.1 that keeps every POST; `failFirst` answers 503 that many times. */
export async function otlpReceiver(
  failFirst = 0,
): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503).end();
        return;
      }
      const path = req.url ?? '';
      const raw = Buffer.concat(chunks);
      const protobuf = req.headers['content-type'] === 'application/x-protobuf';
      const body = protobuf ? decodeOtlpProtobuf(path, raw) : (JSON.parse(raw.toString('utf8')) as Json);
      got.push({ path, headers: req.headers, raw, body });
      // A full success answers in the request's encoding: an empty Export…ServiceResponse, or {}.
      if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
