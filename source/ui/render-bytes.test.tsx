// The console's cost on the wire: bytes written at 160×48 for a fixed sequence of snapshots, through the real
// runConsole (App, Ink, incremental rendering), and nothing rewritten for a snapshot that changes nothing.
import { describe, expect, it } from 'vitest';
import type { EngineClient } from '../control/client.ts';
import type { Snapshot } from '../control/protocol.ts';
import { CountingTerminal, IdleKeyboard } from '../../bench/counting-terminal.ts';
import { snapshotFixture } from './fixtures.ts';

class SnapshotFeed implements EngineClient {
  private readonly listeners = new Set<(s: Snapshot) => void>();
  onSnapshot(l: (s: Snapshot) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  onEvent() {
    return () => undefined;
  }
  async send() {
    return { ok: true, message: 'ok' };
  }
  async close() {}
  push(s: Snapshot) {
    for (const l of this.listeners) l(s);
  }
}

/** The fixture with the numbers a live desk moves between frames: prices, data ages, equity. */
function moved(step: number): Snapshot {
  const base = snapshotFixture();
  return {
    ...base,
    seq: base.seq + step,
    ts: base.ts + step * 100,
    venues: base.venues.map((v) => ({ ...v, dataAgeMs: v.dataAgeMs + step * 7 })),
    spreads: base.spreads.map((s) => ({
      ...s,
      quotes: s.quotes.map((q) => ({ ...q, bid: q.bid + step / 10, ask: q.ask + step / 10 })),
      grossBps: s.grossBps + step / 10,
    })),
    // The equity curve gains a sample every 5 s, not every frame: the chart stays put here.
    pnl: { ...base.pnl, equity: (10_012.6 + step * 0.37).toFixed(2) },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Frames go out at most 12 a second: wait longer than one frame between snapshots.
const FRAME_MS = 200;

describe('console output bytes at 160×48', () => {
  it('paints the first frame once, then only changed lines, and writes nothing for an unchanged snapshot', async () => {
    // Ink reads CI when it is imported (and then paints only a final frame): this is a terminal.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const { runConsole } = await import('./run-console.tsx');
    const terminal = new CountingTerminal(160, 48);
    const feed = new SnapshotFeed();
    void runConsole(feed, {
      stdout: terminal as unknown as NodeJS.WriteStream,
      stdin: new IdleKeyboard() as unknown as NodeJS.ReadStream,
    });
    await sleep(FRAME_MS);

    feed.push(moved(0));
    await sleep(FRAME_MS);
    const first = terminal.bytes;

    const perFrame: number[] = [];
    for (let step = 1; step <= 10; step++) {
      const before = terminal.bytes;
      feed.push(moved(step));
      await sleep(FRAME_MS);
      perFrame.push(terminal.bytes - before);
    }
    const framesBefore = terminal.frames;
    const beforeSame = terminal.bytes;
    for (let i = 0; i < 5; i++) {
      feed.push(moved(10));
      await sleep(FRAME_MS);
    }
    const unchanged = terminal.bytes - beforeSame;
    const total = terminal.bytes;
    process.stdout.write(
      `render bytes: first ${first}, per changed frame ${perFrame.join(' ')}, unchanged ${unchanged}, total ${total}\n`,
    );

    // A whole 160×48 screen of box drawing and colour: well under 40 KB, and more than a trivial frame.
    expect(first).toBeGreaterThan(160 * 20);
    expect(first).toBeLessThan(40_000);
    // Incremental: a frame where a few numbers moved costs a fraction of the full paint.
    // (a frame may land in the next interval on a loaded machine, so most, not all, intervals carry one.)
    expect(perFrame.filter((bytes) => bytes > 0).length).toBeGreaterThanOrEqual(8);
    for (const bytes of perFrame) expect(bytes).toBeLessThan(first / 4);
    // Frames like these at 8 a second (the target's frame rate) stay within the 25 KB/s budget.
    expect((Math.max(...perFrame) * 8) / 1000).toBeLessThan(25);
    // The same picture again writes (almost) nothing: no redraw, no flicker over SSH.
    expect(unchanged).toBeLessThan(64);
    expect(terminal.frames).toBe(framesBefore);
    // The whole fixed sequence: one full paint and ten small updates (22.4 KB when written).
    expect(total).toBeLessThan(25_000);
  });
});
