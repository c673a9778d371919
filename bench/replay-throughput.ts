// Replay throughput: wire lines through the whole engine on one core, against a floor that only parses them.
import { benchDesk, watchOrders } from './bench-desk.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarketEvent } from '../source/core/market-events.ts';
import type { MarketStream } from './market-stream.ts';
import { settleHeap } from './settle-heap.ts';
import type { ConsoleThread } from './paced-run.ts';
import { SNAPSHOTS_PER_SECOND } from '../source/control/protocol.ts';

export interface ReplayThroughput {
  events: number;
  bookMessages: number;
  /** Price levels set or removed by those messages (see MarketStream.bookUpdates). */
  bookUpdates: number;
  fills: number;
  engineSeconds: number;
  floorSeconds: number;
  /** The same events already decoded: the engine's own rate, without the wire format's cost. */
  decodedEventsPerSec: number;
  /** Every market event (book updates, trades, funding) per second through the engine. */
  eventsPerSec: number;
  bookMessagesPerSec: number;
  bookUpdatesPerSec: number;
  floorEventsPerSec: number;
  /** The engine's rate as a share of the parse-only floor's (1 would be free). */
  vsParseFloor: number;
}

/** Only JSON-parse each line and look at it: what any engine must pay at least. */
export function parseFloor(lines: string[]): number {
  let books = 0;
  for (let i = 0; i < lines.length; i++) {
    const ev = JSON.parse(lines[i]) as MarketEvent;
    if (ev.kind === 'book') books += ev.bids.length + ev.asks.length;
  }
  return books;
}

/**
 * Books → signals → strategies → risk → paper execution → ledger → journal, on a simulated clock. `decode` turns
 * each input into its event: `JSON.parse` for wire lines, the identity for events already decoded.
 */
export function replay<T>(
  inputs: T[],
  decode: (input: T) => MarketEvent,
  stream: MarketStream,
  dir: string,
): { fills: number } {
  const desk = benchDesk(dir, stream.instruments);
  const { engine, journal, clock } = desk;
  for (let i = 0; i < inputs.length; i++) {
    const ev = decode(inputs[i]);
    clock.advanceTo(ev.ts);
    engine.onMarket(ev);
  }
  journal.close();
  return { fills: engine.fills };
}

const fromWire = (line: string) => JSON.parse(line) as MarketEvent;
const decoded = (ev: MarketEvent) => ev;

export function measureReplay(stream: MarketStream): ReplayThroughput {
  const root = mkdtempSync(join(tmpdir(), 'td-bench-replay-'));
  try {
    // A warm-up on a tenth of the stream, so both loops run optimized code.
    const warm = stream.lines.slice(0, Math.max(1, Math.floor(stream.lines.length / 10)));
    parseFloor(warm);
    replay(warm, fromWire, stream, join(root, 'warm'));
    settleHeap();
    let t = process.hrtime.bigint();
    parseFloor(stream.lines);
    const floorSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    settleHeap();
    t = process.hrtime.bigint();
    const { fills } = replay(stream.lines, fromWire, stream, join(root, 'run'));
    const engineSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    replay(stream.events.slice(0, warm.length), decoded, stream, join(root, 'warm-decoded'));
    settleHeap();
    t = process.hrtime.bigint();
    const fromObjects = replay(stream.events, decoded, stream, join(root, 'decoded'));
    const decodedSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    // Same events, same engine: the two runs must agree, or the figure is not the same work.
    if (fromObjects.fills !== fills)
      throw new Error(`decoded replay made ${fromObjects.fills} fills, wire replay ${fills}`);
    const events = stream.lines.length;
    const eventsPerSec = events / engineSeconds;
    const floorEventsPerSec = events / floorSeconds;
    return {
      events,
      bookMessages: stream.bookMessages,
      bookUpdates: stream.bookUpdates,
      fills,
      engineSeconds,
      floorSeconds,
      eventsPerSec,
      bookMessagesPerSec: stream.bookMessages / engineSeconds,
      bookUpdatesPerSec: stream.bookUpdates / engineSeconds,
      floorEventsPerSec,
      decodedEventsPerSec: events / decodedSeconds,
      vsParseFloor: eventsPerSec / floorEventsPerSec,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Tick to order: from message in (before parsing) to its first order with the venue, for the ticks that sent one.
 * With `painter`, the real console paints beside the engine, fed snapshots built on this thread between messages at
 * the product's rate, as the engine's worker feeds it.
 */
export function orderTickLatencies(stream: MarketStream, dir: string, painter?: ConsoleThread): number[] {
  const desk = benchDesk(dir, stream.instruments);
  const { engine, journal, clock } = desk;
  const orders = watchOrders(desk);
  const out: number[] = [];
  const snapshotEvery = BigInt(Math.round(1e9 / SNAPSHOTS_PER_SECOND));
  let nextSnapshot = process.hrtime.bigint() + snapshotEvery;
  let seq = 0;
  settleHeap();
  for (let i = 0; i < stream.lines.length; i++) {
    if (painter) {
      const now = process.hrtime.bigint();
      if (now >= nextSnapshot) {
        painter.show(engine, ++seq);
        nextSnapshot = now + snapshotEvery;
      }
    }
    orders.firstAt = 0n;
    const t = process.hrtime.bigint();
    const ev = JSON.parse(stream.lines[i]) as MarketEvent;
    clock.advanceTo(ev.ts);
    engine.onMarket(ev);
    if (orders.firstAt !== 0n) out.push(Number(orders.firstAt - t));
  }
  journal.close();
  return out;
}
