// tradedesk bench --quick --json through the real binary: every PRODUCT.md key, each a measured number.
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const KEYS = [
  'replayEventsPerSec',
  'replayVsParseFloor',
  'bookVsCcxt',
  'latencyP99UsHeadless',
  'latencyP99UsConsole',
  'terminalBytesPerSec',
  'framesPerSec',
  'rssMbAfter10M',
  'rssGrowthPct',
  'startupMs',
];

describe('tradedesk bench', () => {
  it('measures every figure and prints the stable JSON keys', { timeout: 300_000 }, async () => {
    const r = await runCli(['bench', '--quick', '--json'], { timeoutMs: 290_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of KEYS) {
      expect(typeof out[k], k).toBe('number');
      expect(Number.isFinite(out[k]), k).toBe(true);
    }
    for (const k of [
      'replayEventsPerSec',
      'latencyP99UsHeadless',
      'latencyP99UsConsole',
      'startupMs',
      'rssMbAfter10M',
    ])
      expect(out[k], k).toBeGreaterThan(0);
    // The engine does more than parse: it cannot beat a loop that only parses the same lines.
    expect(out.replayVsParseFloor).toBeGreaterThan(0);
    expect(out.replayVsParseFloor).toBeLessThan(1);
    // Without the JSON to parse the same engine runs faster than with it.
    expect(out.replayDecodedEventsPerSec).toBeGreaterThan(out.replayEventsPerSec);
    // Tick to order is timed on the ticks that sent one, to the first order with the venue.
    expect(out.latencyOrderTicks.n).toBeGreaterThan(0);
    expect(out.latencyOrderTicks.p50).toBeGreaterThan(0);
    expect(out.latencyOrderTicks.p50).toBeLessThanOrEqual(out.latencyOrderTicks.p99);
    expect(out.latencyOrderTicks.p99).toBeLessThanOrEqual(out.latencyOrderTicks.p999);
    // And again with the console painting beside the replay: the same replays, so the same ticks send orders.
    expect(out.latencyOrderTicksConsole.n).toBe(out.latencyOrderTicks.n);
    expect(out.latencyOrderTicksConsole.p50).toBeGreaterThan(0);
    expect(out.latencyOrderTicksConsole.p50).toBeLessThanOrEqual(out.latencyOrderTicksConsole.p99);
    // Book updates are the levels the book messages set or remove: at least one per message.
    expect(out.replayBookUpdatesPerSec).toBeGreaterThan(out.replayBookMessagesPerSec);
    expect(out.replayBookMessagesPerSec).toBeLessThan(out.replayEventsPerSec);
    expect(out.latencyP50Us).toBeLessThanOrEqual(out.latencyP99UsHeadless);
    // Counted from due, a tick also carries the OS's delay in waking the thread: never shorter.
    expect(out.latencyFromDue.headless.p99).toBeGreaterThanOrEqual(out.latencyP99UsHeadless);
    expect(out.latencyP99UsHeadless).toBeLessThanOrEqual(out.latencyP999Us);
    // Headless and console runs were taken in turns; 2.5 s at 5,000 updates/s after each lead-in, ~62% book updates.
    expect(out.counts.pacedRounds).toBe(2);
    expect(out.latencyTicks).toBeGreaterThan(5_000);
    // What the host took from the machine meanwhile is a share of its CPU time (Linux, as here).
    for (const stolen of [out.latencyCpuStolenPct.headless, out.latencyCpuStolenPct.console]) {
      expect(stolen).toBeGreaterThanOrEqual(0);
      expect(stolen).toBeLessThanOrEqual(100);
    }
    // The console painted: bytes and frames were counted on its terminal.
    expect(out.terminalBytesPerSec).toBeGreaterThan(0);
    expect(out.framesPerSec).toBeGreaterThan(0);
    // What the engine holds after a full collection does not grow with the events it has seen (no leak).
    expect(out.heapMbAfter1M).toBeGreaterThan(0);
    expect(out.heapMbAfter10M).toBeLessThan(out.heapMbAfter1M * 1.25);
    expect(out.machine.cores).toBeGreaterThan(0);
    expect(out.quick).toBe(true);
  });
});
