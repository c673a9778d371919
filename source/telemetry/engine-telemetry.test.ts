// Telemetry against a loopback OTLP receiver: what arrives, in which encoding, with which names, attributes and auth header.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simProfile } from '../engine/config.ts';
import { EngineHost } from '../engine/host.ts';
import { snapshotFixture } from '../ui/fixtures.ts';
import { EngineTelemetry } from './engine-telemetry.ts';
import { otlpReceiver, type Received } from './otlp-receiver.ts';
import { telemetrySettings } from './settings.ts';

const TOKEN = 'pylf_v1_test_write_token_0123456789';
let receivers: { close(): Promise<void> }[] = [];
beforeEach(() => {
  process.env.TD_TEST_LOGFIRE_TOKEN = TOKEN;
});
afterEach(async () => {
  delete process.env.TD_TEST_LOGFIRE_TOKEN;
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

type Json = Record<string, unknown> & { [k: string]: Json };
const metricsOf = (r: Received[]) =>
  r
    .filter((x) => x.path === '/v1/metrics')
    .flatMap((x) => (x.body as Json).resourceMetrics[0].scopeMetrics[0].metrics as unknown as Json[]);
const logsOf = (r: Received[]) =>
  r
    .filter((x) => x.path === '/v1/logs')
    .flatMap((x) => (x.body as Json).resourceLogs[0].scopeLogs[0].logRecords as unknown as Json[]);
const attr = (record: Json, key: string) =>
  (record.attributes as unknown as { key: string; value: Record<string, unknown> }[]).find(
    (a) => a.key === key,
  )?.value;

describe('telemetry over OTLP/HTTP', () => {
  it.each([
    { protocol: undefined, contentType: 'application/x-protobuf' },
    { protocol: 'http/json' as const, contentType: 'application/json' },
  ])(
    'exports metrics and logs from a running engine ($contentType) with the token as Authorization, and posts the kill alert to the webhook',
    async ({ protocol, contentType }) => {
      const otlp = await otlpReceiver();
      const hook = await otlpReceiver();
      receivers.push(otlp, hook);
      const profile = {
        ...simProfile(),
        telemetry: {
          endpoint: otlp.url,
          protocol,
          tokenEnv: 'TD_TEST_LOGFIRE_TOKEN',
          serviceName: 'tradedesk-test',
          exportEveryMs: 200,
          webhook: { url: `${hook.url}/alerts`, minSeverity: 'critical' as const },
          bell: false,
        },
      };
      const host = await EngineHost.create({
        profile,
        dataDir: mkdtempSync(join(tmpdir(), 'td-otlp-')),
        mode: 'paper',
        liveAllowed: false,
      });
      host.start();
      await new Promise((r) => setTimeout(r, 300));
      expect(host.command({ type: 'kill' }).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      await host.stop();

      expect(otlp.got.length).toBeGreaterThan(0);
      for (const r of otlp.got) {
        expect(r.headers.authorization).toBe(TOKEN);
        expect(r.headers['content-type']).toBe(contentType);
      }
      const resource = (otlp.got[0].body as Json).resourceMetrics[0].resource as Json;
      expect(attr(resource, 'service.name')).toEqual({ stringValue: 'tradedesk-test' });

      const metrics = metricsOf(otlp.got);
      const names = new Set(metrics.map((m) => m.name as unknown as string));
      for (const n of [
        'tradedesk.equity',
        'tradedesk.orders.open',
        'tradedesk.venue.data_age',
        'tradedesk.alerts',
      ])
        expect(names).toContain(n);
      const equity = metrics.find((m) => (m.name as unknown) === 'tradedesk.equity')!;
      expect(equity.unit).toBe('{quote}');
      const equityPoint = (equity.gauge.dataPoints as unknown as Json[])[0];
      expect(equityPoint.asDouble).toBe(100_000);
      expect(attr(equityPoint, 'mode')).toEqual({ stringValue: 'paper' });
      // Nanoseconds since the epoch, taken during this test.
      expect(Number(BigInt(equityPoint.timeUnixNano as unknown as string) / 1_000_000n)).toBeGreaterThan(
        Date.now() - 60_000,
      );
      const alerts = metrics.filter((m) => (m.name as unknown) === 'tradedesk.alerts').at(-1)!;
      expect(alerts.sum.isMonotonic).toBe(true);
      expect(alerts.sum.aggregationTemporality).toBe(2);
      const critical = (alerts.sum.dataPoints as unknown as Json[]).find(
        (p) => attr(p, 'severity')?.stringValue === 'critical',
      );
      expect(critical?.asInt).toBe('1');

      const logs = logsOf(otlp.got);
      const kill = logs.find((l) => String(l.body.stringValue).startsWith('KILL SWITCH'));
      expect(kill?.severityText).toBe('FATAL');
      expect(kill?.severityNumber).toBe(21);
      expect(attr(kill!, 'event.type')).toEqual({ stringValue: 'alert' });
      expect(logs.some((l) => String(l.body.stringValue).includes('engine ACTIVE → HALTED'))).toBe(true);

      expect(hook.got).toHaveLength(1);
      expect(hook.got[0].path).toBe('/alerts');
      expect(hook.got[0].body).toMatchObject({
        service: 'tradedesk-test',
        severity: 'critical',
        source: 'engine',
      });
      expect(String(hook.got[0].body.message)).toMatch(/^KILL SWITCH/);
      // The token goes only in the header.
      for (const r of otlp.got) expect(r.raw.includes(TOKEN)).toBe(false);
      expect(JSON.stringify(hook.got)).not.toContain(TOKEN);
    },
  );

  it('makes each order a trace and each fill a span of it; a webhook that fails twice still gets the alert', async () => {
    const otlp = await otlpReceiver();
    const hook = await otlpReceiver(2);
    receivers.push(otlp, hook);
    const settings = telemetrySettings(
      {
        endpoint: otlp.url,
        tokenEnv: 'TD_TEST_LOGFIRE_TOKEN',
        serviceName: 'td',
        exportEveryMs: 60_000,
        bell: true,
      },
      process.env,
    )!;
    settings.webhook = { url: hook.url, minSeverity: 'warning' };
    const rung: string[] = [];
    const telemetry = new EngineTelemetry(settings, {
      sample: () => snapshotFixture(),
      bellStream: { write: (s) => rung.push(s), isTTY: true },
    });
    const fill = {
      type: 'fill' as const,
      ts: 1_767_571_200_000,
      venue: 'binance',
      symbol: 'BTC/USDT:USDT',
      side: 'buy' as const,
      qty: '0.01',
      price: '64000.5',
      fee: '0.32',
      liquidity: 'taker' as const,
      strategy: 'arb-btc',
    };
    telemetry.onEvent({ ...fill, orderId: 'arb-btc-1' } as typeof fill);
    telemetry.onEvent({ ...fill, ts: fill.ts + 5, orderId: 'arb-btc-1' } as typeof fill);
    telemetry.onEvent({ ...fill, orderId: 'arb-btc-2' } as typeof fill);
    telemetry.onEvent({ type: 'alert', ts: fill.ts, severity: 'info', source: 'engine', message: 'quiet' });
    telemetry.onEvent({ type: 'alert', ts: fill.ts, severity: 'critical', source: 'risk', message: 'loud' });
    await telemetry.shutdown();

    const spans = otlp.got
      .filter((r) => r.path === '/v1/traces')
      .flatMap((r) => (r.body as Json).resourceSpans[0].scopeSpans[0].spans as unknown as Json[]);
    expect(spans).toHaveLength(3);
    expect(
      spans.every((s) => (s.name as unknown) === 'fill' && /^[0-9a-f]{32}$/.test(String(s.traceId))),
    ).toBe(true);
    expect(spans.every((s) => /^[0-9a-f]{16}$/.test(String(s.spanId)))).toBe(true);
    expect(spans[0].traceId).toBe(spans[1].traceId);
    expect(spans[2].traceId).not.toBe(spans[0].traceId);
    expect(attr(spans[0], 'order.id')).toEqual({ stringValue: 'arb-btc-1' });
    expect(spans[0].startTimeUnixNano).toBe('1767571200000000000');
    expect(spans[1].endTimeUnixNano).toBe('1767571200005000000');
    expect(spans[0].kind).toBe(1);
    expect(spans[0].status).toEqual({ code: 1 });
    expect(attr(spans[0], 'price')).toEqual({ stringValue: '64000.5' });
    expect(otlp.got.every((r) => r.headers['content-type'] === 'application/x-protobuf')).toBe(true);
    const fills = metricsOf(otlp.got).find((m) => (m.name as unknown) === 'tradedesk.fills')!;
    expect((fills.sum.dataPoints as unknown as Json[])[0].asInt).toBe('3');

    // Only the critical alert passes the warning threshold; it arrives after two 503s.
    expect(hook.got.map((r) => r.body.message)).toEqual(['loud']);
    expect(telemetry.webhook!.delivered).toBe(1);
    expect(rung).toEqual(['\u0007']);
  });
});
