// How a batch travels: the OTLP/HTTP protocols tradedesk speaks (OTEL_EXPORTER_OTLP_PROTOCOL's names) and the encoding behind each.
import type { LogsBatch, MetricsBatch, TracesBatch } from './otlp-batch.ts';
import { logsJson, metricsJson, tracesJson } from './otlp-json.ts';
import { logsProtobuf, metricsProtobuf, tracesProtobuf } from './otlp-protobuf.ts';

/** The first is the default, as OpenTelemetry's exporter spec asks; it calls http/json a MAY, and backends differ on it. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export function isOtlpProtocol(s: string): s is OtlpProtocol {
  return (OTLP_PROTOCOLS as readonly string[]).includes(s);
}

export interface OtlpEncoding {
  contentType: string;
  metrics(b: MetricsBatch): string | Uint8Array;
  logs(b: LogsBatch): string | Uint8Array;
  traces(b: TracesBatch): string | Uint8Array;
}

const PROTOBUF: OtlpEncoding = {
  contentType: 'application/x-protobuf',
  metrics: metricsProtobuf,
  logs: logsProtobuf,
  traces: tracesProtobuf,
};

const JSON_ENCODING: OtlpEncoding = {
  contentType: 'application/json',
  metrics: (b) => JSON.stringify(metricsJson(b)),
  logs: (b) => JSON.stringify(logsJson(b)),
  traces: (b) => JSON.stringify(tracesJson(b)),
};

export function otlpEncoding(protocol: OtlpProtocol): OtlpEncoding {
  return protocol === 'http/json' ? JSON_ENCODING : PROTOBUF;
}
