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
  let bookUpdates = 0;
  while (events.length < count) {
    const ev = market.next();
    if (!keep(ev)) break;
    events.push(ev);
    lines.push(JSON.stringify(ev));
    if (ev.kind === 'book') bookUpdates += 1;
  }
  return { instruments: market.instruments, events, lines, bookUpdates };
}
