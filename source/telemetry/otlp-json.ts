// The http/json encoding of a batch: opentelemetry-proto's JSON mapping (lowerCamelCase names, 64-bit integers as strings, ids as hex).
import {
  CUMULATIVE,
  SPAN_KIND_INTERNAL,
  STATUS_CODE_OK,
  nanos,
  typedValue,
  type Attributes,
  type LogsBatch,
  type MetricsBatch,
  type TracesBatch,
} from './otlp-batch.ts';

function attributes(a: Attributes) {
  return Object.entries(a).map(([key, v]) => {
    const t = typedValue(v);
    return {
      key,
      value:
        t.type === 'string'
          ? { stringValue: t.value }
          : t.type === 'bool'
            ? { boolValue: t.value }
            : t.type === 'int'
              ? { intValue: String(t.value) }
              : { doubleValue: t.value },
    };
  });
}

const time = (ms: number) => nanos(ms).toString();

export function metricsJson(b: MetricsBatch) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes(b.resource) },
        scopeMetrics: [
          {
            scope: b.scope,
            metrics: b.metrics.map((m) => {
              const head = { name: m.name, unit: m.unit, description: m.description };
              if (m.kind === 'gauge')
                return {
                  ...head,
                  gauge: {
                    dataPoints: m.points.map((p) => ({
                      attributes: attributes(p.attributes),
                      timeUnixNano: time(p.timeMs),
                      asDouble: p.value,
                    })),
                  },
                };
              return {
                ...head,
                sum: {
                  dataPoints: m.points.map((p) => ({
                    attributes: attributes(p.attributes),
                    startTimeUnixNano: time(p.startMs),
                    timeUnixNano: time(p.timeMs),
                    asInt: String(p.count),
                  })),
                  aggregationTemporality: CUMULATIVE,
                  isMonotonic: true,
                },
              };
            }),
          },
        ],
      },
    ],
  };
}

export function logsJson(b: LogsBatch) {
  return {
    resourceLogs: [
      {
        resource: { attributes: attributes(b.resource) },
        scopeLogs: [
          {
            scope: b.scope,
            logRecords: b.records.map((l) => ({
              timeUnixNano: time(l.tsMs),
              observedTimeUnixNano: time(b.observedMs),
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

export function tracesJson(b: TracesBatch) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(b.resource) },
        scopeSpans: [
          {
            scope: b.scope,
            spans: b.spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: SPAN_KIND_INTERNAL,
              startTimeUnixNano: time(s.startMs),
              endTimeUnixNano: time(s.endMs),
              attributes: attributes(s.attributes),
              status: { code: STATUS_CODE_OK },
            })),
          },
        ],
      },
    ],
  };
}
