// What one OTLP export carries, whichever the encoding: otlp-json.ts and otlp-protobuf.ts each write these out.
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** An attribute's value as OTLP types it (common/v1 AnyValue): both encodings must agree on int versus double. */
export type TypedValue =
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: number }
  | { type: 'double'; value: number };

export function typedValue(v: AttributeValue): TypedValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  // Beyond 2^53 a number is no longer an exact integer: a double says so honestly.
  return Number.isSafeInteger(v) ? { type: 'int', value: v } : { type: 'double', value: v };
}

/** Nanoseconds since the epoch, the unit of every OTLP timestamp. */
export function nanos(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

export interface Resource {
  serviceName: string;
  serviceVersion: string;
}

export interface Scope {
  name: string;
  version: string;
}

const SCOPE: Scope = { name: 'tradedesk', version: '0.1.0' };

function resourceAttributes(r: Resource): Attributes {
  return { 'service.name': r.serviceName, 'service.version': r.serviceVersion };
}

export interface SumPoint {
  name: string;
  unit: string;
  description: string;
  attributes: Attributes;
  value: number;
  startMs: number;
}

export interface GaugePoint {
  name: string;
  unit: string;
  description: string;
  attributes: Attributes;
  value: number;
}

/** A monotonic cumulative counter's points carry whole counts; a gauge's carry doubles. */
export type Metric = { name: string; unit: string; description: string } & (
  | { kind: 'sum'; points: { attributes: Attributes; startMs: number; timeMs: number; count: number }[] }
  | { kind: 'gauge'; points: { attributes: Attributes; timeMs: number; value: number }[] }
);

export interface MetricsBatch {
  resource: Attributes;
  scope: Scope;
  metrics: Metric[];
}

/** Counters and gauges grouped into one metric per name, each with its data points. */
export function metricsBatch(
  r: Resource,
  sums: SumPoint[],
  gauges: GaugePoint[],
  nowMs: number,
): MetricsBatch {
  const byName = new Map<string, Metric>();
  for (const s of sums) {
    let m = byName.get(s.name);
    if (!m) {
      m = { name: s.name, unit: s.unit, description: s.description, kind: 'sum', points: [] };
      byName.set(s.name, m);
    }
    if (m.kind === 'sum')
      m.points.push({ attributes: s.attributes, startMs: s.startMs, timeMs: nowMs, count: s.value });
  }
  for (const g of gauges) {
    let m = byName.get(g.name);
    if (!m) {
      m = { name: g.name, unit: g.unit, description: g.description, kind: 'gauge', points: [] };
      byName.set(g.name, m);
    }
    if (m.kind === 'gauge') m.points.push({ attributes: g.attributes, timeMs: nowMs, value: g.value });
  }
  return { resource: resourceAttributes(r), scope: SCOPE, metrics: [...byName.values()] };
}

export interface LogRecord {
  tsMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
}

export interface LogsBatch {
  resource: Attributes;
  scope: Scope;
  /** When the batch was put together: every record's observed time. */
  observedMs: number;
  records: LogRecord[];
}

export function logsBatch(r: Resource, records: LogRecord[], nowMs: number): LogsBatch {
  return { resource: resourceAttributes(r), scope: SCOPE, observedMs: nowMs, records };
}

export interface SpanRecord {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Attributes;
}

export interface TracesBatch {
  resource: Attributes;
  scope: Scope;
  /** Every span is SPAN_KIND_INTERNAL with STATUS_CODE_OK: the desk's own work, finished. */
  spans: SpanRecord[];
}

export function tracesBatch(r: Resource, spans: SpanRecord[]): TracesBatch {
  return { resource: resourceAttributes(r), scope: SCOPE, spans };
}

/** opentelemetry-proto trace/v1 Span.SpanKind SPAN_KIND_INTERNAL. */
export const SPAN_KIND_INTERNAL = 1;
/** opentelemetry-proto trace/v1 Status.StatusCode STATUS_CODE_OK. */
export const STATUS_CODE_OK = 1;
/** opentelemetry-proto metrics/v1 AggregationTemporality AGGREGATION_TEMPORALITY_CUMULATIVE. */
export const CUMULATIVE = 2;
