import { describe, expect, it } from 'vitest';
import { SimMarket } from '../../gateways/sim/market.ts';
import type { MarketEvent } from '../core/market-events.ts';
import { OrderBook } from '../core/order-book.ts';
import { SampleCollector } from './dataset.ts';
import { FEATURE_NAMES, featureHash, MarketFeatures } from './features.ts';
import { WindowReturn, WindowVolatility } from './rolling.ts';

const venues = { targetVenue: 'hyperliquid', referenceVenue: 'binance' };

function simEvents(seed: number, n: number): { events: MarketEvent[]; market: SimMarket } {
  const market = new SimMarket({ seed, assets: ['BTC', 'ETH'], updatesPerSecond: 100 });
  return { market, events: Array.from({ length: n }, () => market.next()) };
}

/** Every feature vector the live path computes, event by event (as the engine feeds its hub). */
function vectors(events: MarketEvent[], market: SimMarket): { ts: number; asset: string; x: number[] }[] {
  const features = new MarketFeatures(market.instruments, venues);
  const books = new Map(
    market.instruments.map((i) => [`${i.venue}|${i.symbol}`, new OrderBook(i.venue, i.symbol)]),
  );
  const out: { ts: number; asset: string; x: number[] }[] = [];
  for (const ev of events) {
    const book = books.get(`${ev.venue}|${ev.symbol}`)!;
    if (ev.kind === 'book') {
      if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
      else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
    }
    const asset = features.onMarket(ev, ev.kind === 'book' ? book : undefined);
    if (asset?.ready)
      out.push({
        ts: ev.ts,
        asset: asset.asset,
        x: Array.from(asset.write(new Float64Array(FEATURE_NAMES.length))),
      });
  }
  return out;
}

describe('streaming features', () => {
  it('never look ahead: the vector at time t is identical whether or not later data exists', () => {
    const { events, market } = simEvents(3, 30_000);
    const cut = 12_000;
    const full = vectors(events, market);
    const prefix = vectors(
      events.slice(0, cut),
      new SimMarket({ seed: 3, assets: ['BTC', 'ETH'], updatesPerSecond: 100 }),
    );
    expect(prefix.length).toBeGreaterThan(5_000);
    expect(full.length).toBeGreaterThan(prefix.length);
    // Bit for bit, every feature at every event of the prefix.
    expect(full.slice(0, prefix.length)).toEqual(prefix);
    // The research samples too: features at a sample's time do not change when the future is appended.
    const collect = (evs: MarketEvent[]) => {
      const c = new SampleCollector({
        instruments: market.instruments,
        venues,
        horizonMs: 2_000,
        sampleEveryMs: 250,
      });
      for (const ev of evs) c.onMarket(ev);
      return c.finish();
    };
    const early = collect(events.slice(0, cut));
    const late = collect(events);
    expect(early.length).toBeGreaterThan(100);
    const byKey = new Map(late.map((s) => [`${s.asset}|${s.ts}`, s]));
    for (const s of early) {
      const same = byKey.get(`${s.asset}|${s.ts}`)!;
      expect(Array.from(same.x)).toEqual(Array.from(s.x));
      expect(same.moveBps).toBe(s.moveBps);
    }
  });

  it('produces finite numbers for every named feature once both books are up', () => {
    const { events, market } = simEvents(5, 5_000);
    const all = vectors(events, market);
    expect(all.at(-1)!.x).toHaveLength(FEATURE_NAMES.length);
    for (const v of all.slice(-500)) for (const x of v.x) expect(Number.isFinite(x)).toBe(true);
    // The basis z-score and returns move: the vector is not a constant.
    const j = FEATURE_NAMES.indexOf('basis_z');
    expect(new Set(all.slice(-500).map((v) => v.x[j])).size).toBeGreaterThan(50);
  });

  it('hashes the feature list: another name, order or version is another hash', () => {
    expect(featureHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(featureHash()).toBe(featureHash([...FEATURE_NAMES]));
    expect(featureHash([...FEATURE_NAMES].reverse())).not.toBe(featureHash());
    expect(featureHash(FEATURE_NAMES, 999)).not.toBe(featureHash());
  });

  it('window returns and realized volatility equal a brute-force recomputation', () => {
    const r = new WindowReturn(1_000);
    const v = new WindowVolatility(1_000);
    const path: [number, number][] = [];
    let t = 0;
    let x = 0;
    for (let i = 0; i < 2_000; i++) {
      t += 1 + ((i * 7919) % 97);
      const prev = x;
      x += Math.sin(i * 1.3) * 1e-4;
      path.push([t, x]);
      r.push(t, x);
      if (i > 0) v.push(t, x - prev);
      const start = t - 1_000;
      const ref = [...path].reverse().find(([ts]) => ts <= start) ?? path[0];
      expect(r.bps).toBeCloseTo((x - ref[1]) * 1e4, 9);
      let sum = 0;
      for (let k = 1; k < path.length; k++) if (path[k][0] > start) sum += (path[k][1] - path[k - 1][1]) ** 2;
      expect(v.bps).toBeCloseTo(Math.sqrt(sum) * 1e4, 6);
    }
  });
});
