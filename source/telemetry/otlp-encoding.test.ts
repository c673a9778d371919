// One batch, two encodings: protobuf read back by protobufjs against opentelemetry-proto's schema says what the JSON says.
import { describe, expect, it } from 'vitest';
import { logsBatch, metricsBatch, tracesBatch, type LogRecord, type SpanRecord } from './otlp-batch.ts';
import { logsJson, metricsJson, tracesJson } from './otlp-json.ts';
import { logsProtobuf, metricsProtobuf, tracesProtobuf } from './otlp-protobuf.ts';
import { otlpEncoding } from './otlp-protocol.ts';
import { decodeOtlpProtobuf } from './otlp-receiver.ts';

const resource = { serviceName: 'tradedesk-test', serviceVersion: '0.1.0' };
const T = 1_767_571_200_000;

const metrics = metricsBatch(
  resource,
  [
    {
      name: 'tradedesk.fills',
      unit: '{fill}',
      description: 'fills booked',
      attributes: { venue: 'binance' },
      value: 3,
      startMs: T - 60_000,
    },
    {
      name: 'tradedesk.fills',
      unit: '{fill}',
      description: 'fills booked',
      attributes: { venue: 'hyperliquid' },
      value: 1,
      startMs: T - 60_000,
    },
  ],
  [
    {
      name: 'tradedesk.equity',
      unit: '{quote}',
      description: 'equity',
      attributes: { mode: 'paper' },
      value: 100_123.45,
    },
    // A oneof's zero must still be on the wire, or the point has no value at all.
    { name: 'tradedesk.halted', unit: '1', description: 'kill switch', attributes: {}, value: 0 },
    {
      name: 'tradedesk.venue.data_age',
      unit: 'ms',
      description: 'age of the newest market data',
      attributes: { venue: 'binance', connected: false, lag: -3, ratio: 0.25 },
      value: 42,
    },
  ],
  T,
);

const records: LogRecord[] = [
  {
    tsMs: T,
    severityNumber: 21,
    severityText: 'FATAL',
    body: 'KILL SWITCH — engaged by ctl',
    attributes: { 'event.type': 'alert', source: 'engine' },
  },
  {
    tsMs: T + 1,
    severityNumber: 9,
    severityText: 'INFO',
    body: 'fill buy 0.01 BTC/USDT:USDT @ 64000.5 on binance',
    attributes: {},
  },
];
const logs = logsBatch(resource, records, T + 5);

const spans: SpanRecord[] = [
  {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: '00000000000000ff',
    name: 'fill',
    startMs: T,
    endMs: T + 5,
    attributes: { 'order.id': 'arb-btc-1', qty: '0.01' },
  },
  {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: 'fedcba9876543210',
    parentSpanId: '00000000000000ff',
    name: 'fill',
    startMs: T + 5,
    endMs: T + 5,
    attributes: {},
  },
];
const traces = tracesBatch(resource, spans);

type Json = Record<string, unknown> & { [k: string]: Json };

describe('OTLP encodings of one batch', () => {
  it('metrics: protobuf decodes to what the JSON mapping carries', () => {
    expect(decodeOtlpProtobuf('/v1/metrics', metricsProtobuf(metrics))).toEqual(metricsJson(metrics));
  });

  it('logs: protobuf decodes to what the JSON mapping carries', () => {
    expect(decodeOtlpProtobuf('/v1/logs', logsProtobuf(logs))).toEqual(logsJson(logs));
  });

  it('traces: protobuf decodes to what the JSON mapping carries', () => {
    expect(decodeOtlpProtobuf('/v1/traces', tracesProtobuf(traces))).toEqual(tracesJson(traces));
  });

  it('carries names, values, attributes, times, severities, kinds and ids', () => {
    const m = decodeOtlpProtobuf('/v1/metrics', metricsProtobuf(metrics)) as Json;
    const rm = m.resourceMetrics[0];
    expect(rm.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'tradedesk-test' } },
      { key: 'service.version', value: { stringValue: '0.1.0' } },
    ]);
    expect(rm.scopeMetrics[0].scope).toEqual({ name: 'tradedesk', version: '0.1.0' });
    const [fills, equity, halted, age] = rm.scopeMetrics[0].metrics as unknown as Json[];
    expect(fills).toMatchObject({ name: 'tradedesk.fills', unit: '{fill}', description: 'fills booked' });
    expect(fills.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(fills.sum.dataPoints).toEqual([
      {
        attributes: [{ key: 'venue', value: { stringValue: 'binance' } }],
        startTimeUnixNano: '1767571140000000000',
        timeUnixNano: '1767571200000000000',
        asInt: '3',
      },
      {
        attributes: [{ key: 'venue', value: { stringValue: 'hyperliquid' } }],
        startTimeUnixNano: '1767571140000000000',
        timeUnixNano: '1767571200000000000',
        asInt: '1',
      },
    ]);
    expect(equity.gauge.dataPoints[0].asDouble).toBe(100_123.45);
    expect(halted.gauge.dataPoints[0].asDouble).toBe(0);
    expect(age.gauge.dataPoints[0].attributes).toEqual([
      { key: 'venue', value: { stringValue: 'binance' } },
      { key: 'connected', value: { boolValue: false } },
      { key: 'lag', value: { intValue: '-3' } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
    ]);

    const l = decodeOtlpProtobuf('/v1/logs', logsProtobuf(logs)) as Json;
    const [kill, fill] = l.resourceLogs[0].scopeLogs[0].logRecords as unknown as Json[];
    expect(kill).toEqual({
      timeUnixNano: '1767571200000000000',
      observedTimeUnixNano: '1767571200005000000',
      severityNumber: 21,
      severityText: 'FATAL',
      body: { stringValue: 'KILL SWITCH — engaged by ctl' },
      attributes: [
        { key: 'event.type', value: { stringValue: 'alert' } },
        { key: 'source', value: { stringValue: 'engine' } },
      ],
    });
    expect(fill.severityNumber).toBe(9);

    const t = decodeOtlpProtobuf('/v1/traces', tracesProtobuf(traces)) as Json;
    const [first, second] = t.resourceSpans[0].scopeSpans[0].spans as unknown as Json[];
    expect(first).toEqual({
      traceId: '0123456789abcdef0123456789abcdef',
      spanId: '00000000000000ff',
      name: 'fill',
      kind: 1,
      startTimeUnixNano: '1767571200000000000',
      endTimeUnixNano: '1767571200005000000',
      attributes: [
        { key: 'order.id', value: { stringValue: 'arb-btc-1' } },
        { key: 'qty', value: { stringValue: '0.01' } },
      ],
      status: { code: 1 },
    });
    expect(second.parentSpanId).toBe('00000000000000ff');
  });

  it('ids travel as raw bytes: 16 for a trace, 8 for a span', () => {
    const bytes = Buffer.from(tracesProtobuf(traces));
    expect(bytes.includes(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'))).toBe(true);
    expect(bytes.includes(Buffer.from('0123456789abcdef0123456789abcdef', 'latin1'))).toBe(false);
  });

  it('a full buffer of 5 000 records survives the trip (long length prefixes, a growing buffer)', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => ({
      ...records[0],
      tsMs: T + i,
      body: `alert ${i} ${'x'.repeat(i % 300)}`,
    }));
    const big = logsBatch(resource, many, T + 5_000);
    const decoded = decodeOtlpProtobuf('/v1/logs', logsProtobuf(big)) as Json;
    const back = decoded.resourceLogs[0].scopeLogs[0].logRecords as unknown as Json[];
    expect(back).toHaveLength(5_000);
    expect(back[4_999].body).toEqual({ stringValue: `alert 4999 ${'x'.repeat(4_999 % 300)}` });
    expect(back[4_999].timeUnixNano).toBe(String(BigInt(T + 4_999) * 1_000_000n));
  });

  it('http/protobuf by its content type, http/json by its own', () => {
    expect(otlpEncoding('http/protobuf').contentType).toBe('application/x-protobuf');
    expect(otlpEncoding('http/protobuf').metrics(metrics)).toBeInstanceOf(Uint8Array);
    expect(otlpEncoding('http/json').contentType).toBe('application/json');
    expect(JSON.parse(otlpEncoding('http/json').logs(logs) as string)).toEqual(logsJson(logs));
  });
});
