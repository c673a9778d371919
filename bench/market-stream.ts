// The same simulated market for every benchmark: events made once, and the JSON lines a venue would send.
import type { Instrument } from '../source/core/instrument.ts';
import type { MarketEvent } from '../source/core/market-events.ts';
import { SimMarket } from '../gateways/sim/market.ts';
import { REPLAY_START_TS } from '../source/engine/replay.ts';

export interface MarketStream {
  instruments: Instrument[];
  events: MarketEvent[];
  /** One JSON line per event, as a wire message would arrive. */
  lines: string[];
  /** Book messages (snapshots and diffs). */
  bookMessages: number;
  /**
   * Book updates: the price levels those messages set or remove, each one update, as venues and recorders count
   * them (Binance numbers each change, its diffs carry the first and last, `U`..`u`; a Tardis L2 row or a
   * NautilusTrader `OrderBookDelta` is one level).
   */
  bookUpdates: number;
}

export function marketStream(count: number, seed = 1, updatesPerSecond = 200): MarketStream {
  return take(new SimMarket({ seed, updatesPerSecond, startTs: REPLAY_START_TS }), () => true, count);
}

/** The market's events over `ms` of simulated time, at `updatesPerSecond` book updates a second. */
export function marketStreamFor(ms: number, updatesPerSecond: number, seed = 1): MarketStream {
  const market = new SimMarket({ seed, updatesPerSecond, startTs: REPLAY_START_TS });
  return take(market, (ev) => ev.ts < REPLAY_START_TS + ms, Number.POSITIVE_INFINITY);
}

function take(market: SimMarket, keep: (ev: MarketEvent) => boolean, count: number): MarketStream {
  const events: MarketEvent[] = [];
  const lines: string[] = [];
  let bookMessages = 0;
  let bookUpdates = 0;
  while (events.length < count) {
    const ev = market.next();
    if (!keep(ev)) break;
    events.push(ev);
    lines.push(JSON.stringify(ev));
    if (ev.kind === 'book') {
      bookMessages += 1;
      bookUpdates += ev.bids.length + ev.asks.length;
    }
  }
  return { instruments: market.instruments, events, lines, bookMessages, bookUpdates };
}
