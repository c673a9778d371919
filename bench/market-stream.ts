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
  const market = new SimMarket({ seed, updatesPerSecond, startTs: REPLAY_START_TS });
  const events: MarketEvent[] = new Array(count);
  const lines: string[] = new Array(count);
  let bookUpdates = 0;
  for (let i = 0; i < count; i++) {
    const ev = market.next();
    events[i] = ev;
    lines[i] = JSON.stringify(ev);
    if (ev.kind === 'book') bookUpdates += 1;
  }
  return { instruments: market.instruments, events, lines, bookUpdates };
}
