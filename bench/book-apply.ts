// L2 book apply: our OrderBook against ccxt's own order book on the same diff stream, in the same run.
import type { Level, MarketEvent } from '../source/core/market-events.ts';
import { OrderBook } from '../source/core/order-book.ts';

interface CcxtSide {
  storeArray(delta: number[]): void;
  length: number;
}
interface CcxtBook {
  bids: CcxtSide;
  asks: CcxtSide;
}

export interface BookApply {
  levels: number;
  updates: number;
  oursLevelsPerSec: number;
  ccxtLevelsPerSec: number;
  /** How many times faster ours applies the stream. */
  ratio: number;
}

function runOurs(events: MarketEvent[]): OrderBook[] {
  const books = new Map<string, OrderBook>();
  for (const ev of events) {
    if (ev.kind !== 'book') continue;
    let book = books.get(ev.symbol + ev.venue);
    if (!book) books.set(ev.symbol + ev.venue, (book = new OrderBook(ev.venue, ev.symbol)));
    if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
    else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
  }
  return [...books.values()];
}

// As ccxt's websocket handlers do: a new book on a snapshot, then one storeArray([price, size]) per level.
function runCcxt(events: MarketEvent[], newBook: () => CcxtBook): CcxtBook[] {
  const books = new Map<string, CcxtBook>();
  const store = (side: CcxtSide, levels: Level[]) => {
    for (let i = 0; i < levels.length; i++) side.storeArray([levels[i][0], levels[i][1]]);
  };
  for (const ev of events) {
    if (ev.kind !== 'book') continue;
    let book = books.get(ev.symbol + ev.venue);
    if (!book || ev.snapshot) books.set(ev.symbol + ev.venue, (book = newBook()));
    store(book.bids, ev.bids);
    store(book.asks, ev.asks);
  }
  return [...books.values()];
}

export async function measureBookApply(events: MarketEvent[]): Promise<BookApply> {
  const ccxt = await import('ccxt');
  // ccxt's own factory: the OrderBook class its websocket exchanges keep.
  const exchange = new ccxt.binanceusdm();
  const newBook = () => exchange.orderBook({}) as unknown as CcxtBook;
  let levels = 0;
  let updates = 0;
  for (const ev of events)
    if (ev.kind === 'book') {
      levels += ev.bids.length + ev.asks.length;
      updates += 1;
    }
  const time = (run: () => unknown): number => {
    const t = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  // Warm both, then alternate three rounds each and keep the best: the machine is shared.
  const warm = events.slice(0, Math.floor(events.length / 10));
  runOurs(warm);
  runCcxt(warm, newBook);
  let ours = Infinity;
  let theirs = Infinity;
  for (let round = 0; round < 3; round++) {
    ours = Math.min(
      ours,
      time(() => runOurs(events)),
    );
    theirs = Math.min(
      theirs,
      time(() => runCcxt(events, newBook)),
    );
  }
  return {
    levels,
    updates,
    oursLevelsPerSec: levels / ours,
    ccxtLevelsPerSec: levels / theirs,
    ratio: theirs / ours,
  };
}
