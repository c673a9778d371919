// OTLP/HTTP JSON bodies (opentelemetry-proto's JSON mapping): metrics, logs and spans for one resource.
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

interface KeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

export function attributes(a: Attributes): KeyValue[] {
  return Object.entries(a).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

/** Nanoseconds since the epoch, as the JSON mapping wants 64-bit integers: a decimal string. */
export function nanos(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

export interface Resource {
  serviceName: string;
  serviceVersion: string;
}

const SCOPE = { name: 'tradedesk', version: '0.1.0' };

function resource(r: Resource) {
  return { attributes: attributes({ 'service.name': r.serviceName, 'service.version': r.serviceVersion }) };
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

/** Monotonic cumulative counters and gauges, one metric per name with its data points. */
export function metricsBody(r: Resource, sums: SumPoint[], gauges: GaugePoint[], nowMs: number) {
  const byName = new Map<string, Record<string, unknown>>();
  for (const s of sums) {
    let m = byName.get(s.name) as { sum: { dataPoints: unknown[] } } | undefined;
    if (!m) {
      m = { sum: { dataPoints: [] } };
      byName.set(s.name, {
        name: s.name,
        unit: s.unit,
        description: s.description,
        sum: Object.assign(m.sum, { aggregationTemporality: 2, isMonotonic: true }),
      });
    }
    m.sum.dataPoints.push({
      attributes: attributes(s.attributes),
      startTimeUnixNano: nanos(s.startMs),
      timeUnixNano: nanos(nowMs),
      asInt: String(s.value),
    });
  }
  for (const g of gauges) {
    let m = byName.get(g.name) as { gauge: { dataPoints: unknown[] } } | undefined;
    if (!m) {
      m = { gauge: { dataPoints: [] } };
      byName.set(g.name, { name: g.name, unit: g.unit, description: g.description, gauge: m.gauge });
    }
    m.gauge.dataPoints.push({
      attributes: attributes(g.attributes),
      timeUnixNano: nanos(nowMs),
      asDouble: g.value,
    });
  }
  return {
    resourceMetrics: [
      { resource: resource(r), scopeMetrics: [{ scope: SCOPE, metrics: [...byName.values()] }] },
    ],
  };
}

export interface LogRecord {
  tsMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
}

export function logsBody(r: Resource, records: LogRecord[], nowMs: number) {
  return {
    resourceLogs: [
      {
        resource: resource(r),
        scopeLogs: [
          {
            scope: SCOPE,
            logRecords: records.map((l) => ({
              timeUnixNano: nanos(l.tsMs),
              observedTimeUnixNano: nanos(nowMs),
              severityNumber: l.severityNumber,
              severityText: l.severityText,
              body: { stringValue: l.body },
              attributes: attributes(l.attributes),
            })),
          },
        ],
      },
    ],
  };
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

export function tracesBody(r: Resource, spans: SpanRecord[]) {
  return {
    resourceSpans: [
      {
        resource: resource(r),
        scopeSpans: [
          {
            scope: SCOPE,
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              // SPAN_KIND_INTERNAL
              kind: 1,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.endMs),
              attributes: attributes(s.attributes),
              status: { code: 1 },
            })),
          },
        ],
      },
    ],
  };
}
