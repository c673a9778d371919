// The engine seen from the desk's monitoring: metrics, logs and traces over OTLP/HTTP (protobuf, or JSON when asked),
// fed by the host's event stream and a snapshot per export interval, never from inside the engine loop.
import { createHash, randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { EngineEvent, Snapshot } from '../control/protocol.ts';
import { TerminalBell, WebhookSink } from './alert-sinks.ts';
import { post } from './delivery.ts';
import {
  logsBatch,
  metricsBatch,
  tracesBatch,
  type GaugePoint,
  type LogRecord,
  type Resource,
  type SpanRecord,
  type SumPoint,
} from './otlp-batch.ts';
import { otlpEncoding, type OtlpEncoding } from './otlp-protocol.ts';
import type { TelemetrySettings } from './settings.ts';

/** Logs and spans waiting for export beyond this are dropped, oldest first: memory stays bounded when the receiver is down. */
const MAX_BUFFER = 5_000;

const SEVERITY = {
  info: { number: 9, text: 'INFO' },
  warning: { number: 13, text: 'WARN' },
  critical: { number: 21, text: 'FATAL' },
} as const;

export interface TelemetryOptions {
  /** A fresh snapshot of the engine, taken at each export. */
  sample: () => Snapshot;
  /** Where the bell rings (the console's terminal). */
  bellStream?: { write(s: string): unknown; isTTY?: boolean };
}

/** The terminal on fd 2, written directly: from the engine's worker thread, process.stderr is a pipe to the main thread. */
export function stderrBell(): { write(s: string): unknown; isTTY: boolean } {
  return { write: (s) => writeSync(2, s), isTTY: isatty(2) };
}

export class EngineTelemetry {
  private readonly resource: Resource;
  private readonly encoding: OtlpEncoding;
  private readonly startMs = Date.now();
  private readonly runId = randomBytes(8).toString('hex');
  private readonly counters = new Map<string, SumPoint>();
  private logs: LogRecord[] = [];
  private spans: SpanRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private exporting: Promise<void> | null = null;
  readonly webhook: WebhookSink | null;
  readonly bell: TerminalBell | null;
  dropped = 0;

  constructor(
    readonly settings: TelemetrySettings,
    private readonly options: TelemetryOptions,
  ) {
    this.resource = { serviceName: settings.serviceName, serviceVersion: '0.1.0' };
    this.encoding = otlpEncoding(settings.protocol);
    this.webhook = settings.webhook
      ? new WebhookSink(settings.webhook.url, settings.webhook.minSeverity, settings.serviceName)
      : null;
    this.bell = settings.bell && options.bellStream ? new TerminalBell(options.bellStream) : null;
  }

  start(): void {
    if (!this.settings.endpoint) return;
    this.timer = setInterval(() => void this.export(), this.settings.exportEveryMs);
    this.timer.unref();
  }

  /** One engine event: a counter moves, a log record is kept, a fill becomes a span of its order's trace. */
  onEvent = (e: EngineEvent): void => {
    this.webhook?.onEvent(e);
    this.bell?.onEvent(e);
    if (!this.settings.endpoint) return;
    switch (e.type) {
      case 'fill': {
        this.count('tradedesk.fills', '{fill}', 'fills booked', { venue: e.venue, strategy: e.strategy });
        const orderId = (e as { orderId?: string }).orderId ?? `${e.strategy}-${e.ts}`;
        this.push(this.spans, {
          traceId: this.id(orderId, 32),
          spanId: randomBytes(8).toString('hex'),
          name: 'fill',
          startMs: e.ts,
          endMs: e.ts,
          attributes: {
            'order.id': orderId,
            venue: e.venue,
            symbol: e.symbol,
            side: e.side,
            qty: e.qty,
            price: e.price,
            fee: e.fee,
            liquidity: e.liquidity,
            strategy: e.strategy,
          },
        });
        this.log(e.ts, 'info', `fill ${e.side} ${e.qty} ${e.symbol} @ ${e.price} on ${e.venue}`, {
          'event.type': 'fill',
          'order.id': orderId,
          strategy: e.strategy,
        });
        return;
      }
      case 'alert':
        this.count('tradedesk.alerts', '{alert}', 'alerts raised', {
          severity: e.severity,
          source: e.source,
        });
        this.log(e.ts, e.severity, e.message, { 'event.type': 'alert', source: e.source });
        return;
      case 'state':
        this.count('tradedesk.state_changes', '{change}', 'trading state changes', {
          scope: e.scope,
          to: e.to,
        });
        this.log(
          e.ts,
          e.to === 'HALTED' ? 'critical' : 'info',
          `${e.scope} ${e.from} → ${e.to}: ${e.reason}`,
          {
            'event.type': 'state',
            scope: e.scope,
          },
        );
        return;
      case 'funding':
        this.count('tradedesk.funding_payments', '{payment}', 'funding payments', { venue: e.venue });
        this.log(e.ts, 'info', `funding ${e.amount} on ${e.symbol} at ${e.venue}`, {
          'event.type': 'funding',
          venue: e.venue,
        });
        return;
    }
  };

  /** Send what has accumulated: metrics (with a fresh snapshot's gauges), logs and spans. */
  export(): Promise<void> {
    if (!this.settings.endpoint) return Promise.resolve();
    this.exporting ??= this.send().finally(() => (this.exporting = null));
    return this.exporting;
  }

  /** Export the rest and wait for the webhook (at shutdown). */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.exporting;
    await this.export();
    await this.webhook?.flush();
  }

  private async send(): Promise<void> {
    const base = this.settings.endpoint!;
    const headers: Record<string, string> = this.settings.token ? { authorization: this.settings.token } : {};
    const options = { headers };
    const encoding = this.encoding;
    const type = encoding.contentType;
    const now = Date.now();
    const metrics = metricsBatch(this.resource, [...this.counters.values()], this.gauges(), now);
    const posts = [post(`${base}/v1/metrics`, encoding.metrics(metrics), type, options)];
    if (this.logs.length > 0) {
      const logs = logsBatch(this.resource, this.logs, now);
      posts.push(post(`${base}/v1/logs`, encoding.logs(logs), type, options));
      this.logs = [];
    }
    if (this.spans.length > 0) {
      const traces = tracesBatch(this.resource, this.spans);
      posts.push(post(`${base}/v1/traces`, encoding.traces(traces), type, options));
      this.spans = [];
    }
    await Promise.all(posts);
  }

  private gauges(): GaugePoint[] {
    const s = this.options.sample();
    const out: GaugePoint[] = [
      {
        name: 'tradedesk.equity',
        unit: '{quote}',
        description: 'equity, quote currency',
        attributes: { mode: s.mode },
        value: Number(s.pnl.equity),
      },
      {
        name: 'tradedesk.pnl.net',
        unit: '{quote}',
        description: 'net PnL after fees and funding',
        attributes: { mode: s.mode },
        value: Number(s.pnl.net),
      },
      {
        name: 'tradedesk.orders.open',
        unit: '{order}',
        description: 'open orders',
        attributes: {},
        value: s.openOrders,
      },
      {
        name: 'tradedesk.halted',
        unit: '1',
        description: '1 while the kill switch holds',
        attributes: {},
        value: s.state === 'HALTED' ? 1 : 0,
      },
    ];
    for (const v of s.venues)
      out.push({
        name: 'tradedesk.venue.data_age',
        unit: 'ms',
        description: 'age of the newest market data: feed latency plus silence',
        attributes: { venue: v.name, connected: v.connected },
        value: v.dataAgeMs,
      });
    for (const st of s.strategies)
      out.push({
        name: 'tradedesk.strategy.net_pnl',
        unit: '{quote}',
        description: 'net PnL per strategy',
        attributes: { strategy: st.name, state: st.state, mode: st.mode },
        value: Number(st.netPnl),
      });
    return out;
  }

  private count(name: string, unit: string, description: string, attributes: Record<string, string>): void {
    const k = `${name}|${JSON.stringify(attributes)}`;
    const c = this.counters.get(k);
    if (c) c.value += 1;
    else this.counters.set(k, { name, unit, description, attributes, value: 1, startMs: this.startMs });
  }

  private log(
    ts: number,
    severity: keyof typeof SEVERITY,
    body: string,
    attributes: Record<string, string>,
  ): void {
    const s = SEVERITY[severity];
    this.push(this.logs, { tsMs: ts, severityNumber: s.number, severityText: s.text, body, attributes });
  }

  private push<T>(buffer: T[], item: T): void {
    buffer.push(item);
    if (buffer.length > MAX_BUFFER) {
      buffer.shift();
      this.dropped += 1;
    }
  }

  /** A stable id for an order's trace within this run. */
  private id(of: string, hexDigits: number): string {
    return createHash('sha256').update(`${this.runId}:${of}`).digest('hex').slice(0, hexDigits);
  }
}
