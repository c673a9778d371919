import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { roundAmount, roundPrice, type Instrument } from '../../source/core/instrument.ts';
import type {
  BookEvent,
  FundingRateEvent,
  Level,
  MarketEvent,
  TradeEvent,
} from '../../source/core/market-events.ts';
import { SeededRandom } from '../../source/core/random.ts';
import { GRID_MS, PriceField } from './fair-price.ts';
import { SIM_ASSETS } from './instruments.ts';
import { SimMarket, simInstruments, VENUE_DYNAMICS } from './market.ts';

const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const HOUR = 3_600_000;

function take(m: SimMarket, n: number): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let i = 0; i < n; i++) out.push(m.next());
  return out;
}

function hashOf(events: MarketEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(JSON.stringify(e));
  return h.digest('hex');
}

/** A consumer-side book rebuilt from snapshot + diffs. */
class ReplayBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  seq = 0;
  apply(e: BookEvent): void {
    if (e.snapshot) {
      this.bids = new Map(e.bids);
      this.asks = new Map(e.asks);
    } else {
      if (e.seq !== this.seq + 1) throw new Error(`${key(e)}: seq ${e.seq} after ${this.seq}`);
      for (const [p, s] of e.bids)
        if (s === 0) this.bids.delete(p);
        else this.bids.set(p, s);
      for (const [p, s] of e.asks)
        if (s === 0) this.asks.delete(p);
        else this.asks.set(p, s);
    }
    this.seq = e.seq;
  }
  sortedBids(): Level[] {
    return [...this.bids].sort((a, b) => b[0] - a[0]);
  }
  sortedAsks(): Level[] {
    return [...this.asks].sort((a, b) => a[0] - b[0]);
  }
}

function key(e: { venue: string; symbol: string }): string {
  return `${e.venue}|${e.symbol}`;
}

/** The grid step of a price on an instrument: its tick, or its 5-significant-figure unit. */
function gridUnit(inst: Instrument, price: number): number {
  let unit = inst.tick > 0 ? inst.tick : 10 ** -inst.priceDecimals;
  if (inst.priceSigFigs > 0)
    unit = Math.max(unit, 10 ** (Math.floor(Math.log10(price)) - inst.priceSigFigs + 1));
  return unit;
}

/** What is wrong with a book snapshot, or null: checked without expect() in hot loops (expect is slow). */
function bookFault(inst: Instrument, book: BookEvent): string | null {
  const where = `${key(inst)} seq ${book.seq}`;
  if (book.bids.length < 20 || book.asks.length < 20) return `${where}: fewer than 20 levels`;
  for (const [side, levels] of [
    ['bid', book.bids],
    ['ask', book.asks],
  ] as const) {
    for (let i = 0; i < levels.length; i++) {
      const [p, s] = levels[i];
      if (i > 0 && (side === 'bid' ? p >= levels[i - 1][0] : p <= levels[i - 1][0]))
        return `${where}: ${side}s unsorted`;
      if (roundPrice(inst, p) !== p) return `${where}: ${side} ${p} off the price grid`;
      if (!(s > 0) || roundAmount(inst, s) !== s) return `${where}: ${side} size ${s} at ${p}`;
    }
  }
  const bid = book.bids[0][0];
  const ask = book.asks[0][0];
  if (bid >= ask) return `${where}: crossed ${bid} / ${ask}`;
  // A tick or two at the touch (hyperliquid: one or two 5-significant-figure steps).
  if (ask - bid > 2 * gridUnit(inst, bid) * (1 + 1e-9)) return `${where}: spread ${bid} / ${ask}`;
  return null;
}

describe('simInstruments', () => {
  it('lists binance and hyperliquid perps with the venues’ precision and fees', () => {
    const list = simInstruments();
    expect(list.map((i) => `${i.venue} ${i.symbol}`)).toEqual([
      'binance BTC/USDT:USDT',
      'binance ETH/USDT:USDT',
      'binance SOL/USDT:USDT',
      'hyperliquid BTC/USDC:USDC',
      'hyperliquid ETH/USDC:USDC',
      'hyperliquid SOL/USDC:USDC',
    ]);
    const [bBtc, bEth, bSol, hBtc, hEth, hSol] = list;
    expect(bBtc).toMatchObject({ quote: 'USDT', tick: 0.1, step: 0.001, minNotional: 100, priceSigFigs: 0 });
    expect(bBtc).toMatchObject({ makerFee: '0.0002', takerFee: '0.0005', fundingIntervalHours: 8 });
    expect(bEth).toMatchObject({
      tick: 0.01,
      step: 0.001,
      minNotional: 20,
      priceDecimals: 2,
      amountDecimals: 3,
    });
    expect(bSol).toMatchObject({ tick: 0.01, step: 1, minNotional: 5, amountDecimals: 0 });
    expect(hBtc).toMatchObject({ quote: 'USDC', tick: 0, priceSigFigs: 5, priceDecimals: 1, step: 0.00001 });
    expect(hBtc).toMatchObject({
      makerFee: '0.00015',
      takerFee: '0.00045',
      fundingIntervalHours: 1,
      minNotional: 10,
    });
    expect(hEth).toMatchObject({ priceDecimals: 2, step: 0.0001, amountDecimals: 4 });
    expect(hSol).toMatchObject({ priceDecimals: 4, step: 0.01, amountDecimals: 2 });
    expect(roundPrice(hBtc, 64_000.7)).toBe(64_001);
  });

  it('refuses assets it has no numbers for', () => {
    expect(() => simInstruments(['DOGE'])).toThrow(/DOGE/);
    expect(simInstruments(['ETH']).map((i) => i.symbol)).toEqual(['ETH/USDT:USDT', 'ETH/USDC:USDC']);
  });
});

describe('SimMarket', () => {
  it('starts with a snapshot of every book, then a funding rate for each instrument', () => {
    const m = new SimMarket({ seed: 1 });
    expect(m.instruments).toHaveLength(6);
    const first = take(m, 12);
    expect(first.slice(0, 6).map((e) => e.kind === 'book' && e.snapshot)).toEqual(Array(6).fill(true));
    expect(first.slice(6).map((e) => e.kind)).toEqual(Array(6).fill('fundingRate'));
    expect(new Set(first.slice(0, 6).map(key))).toEqual(new Set(m.instruments.map(key)));
    expect(new Set(first.slice(6).map(key))).toEqual(new Set(m.instruments.map(key)));
    for (const e of first) expect(e.ts).toBe(START);
    const fair = { BTC: 64_000, ETH: 3_400, SOL: 150 };
    for (const [asset, p] of Object.entries(fair))
      expect(Math.abs(m.fairPrice(asset) / p - 1)).toBeLessThan(1e-9);
    for (const e of first.slice(0, 6) as BookEvent[]) {
      const inst = m.instruments.find((i) => key(i) === key(e))!;
      expect(bookFault(inst, e)).toBeNull();
      expect(Math.abs(e.bids[0][0] / fair[inst.base as keyof typeof fair] - 1)).toBeLessThan(0.001);
    }
  });

  it('is deterministic: the same seed gives the same events, another seed others', () => {
    const a = hashOf(take(new SimMarket({ seed: 42 }), 20_000));
    const b = hashOf(take(new SimMarket({ seed: 42 }), 20_000));
    const c = hashOf(take(new SimMarket({ seed: 43 }), 20_000));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('emits events in time order with per-book sequence numbers counting up by one', () => {
    const m = new SimMarket({ seed: 3, startTs: START + 123 });
    const seq = new Map<string, number>();
    let last = -Infinity;
    const faults: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const e = m.next();
      if (e.ts < last || !Number.isInteger(e.ts)) faults.push(`event ${i}: ts ${e.ts} after ${last}`);
      last = e.ts;
      if (e.kind !== 'book') continue;
      const k = key(e);
      if (e.snapshot ? seq.has(k) : e.seq !== seq.get(k)! + 1) faults.push(`event ${i}: ${k} seq ${e.seq}`);
      seq.set(k, e.seq);
    }
    expect(faults).toEqual([]);
    expect(last).toBeGreaterThan(START + 60_000);
  });

  it('replays: the first snapshot plus every diff always equals bookSnapshot()', () => {
    const m = new SimMarket({ seed: 5 });
    const books = new Map<string, ReplayBook>();
    let diffs = 0;
    let removals = 0;
    for (let i = 1; i <= 60_000; i++) {
      const e = m.next();
      if (e.kind === 'book') {
        if (!books.has(key(e))) books.set(key(e), new ReplayBook());
        books.get(key(e))!.apply(e);
        if (!e.snapshot) {
          diffs++;
          // Diffs list changed levels only, each at most once.
          const prices = new Set([...e.bids.map((l) => `b${l[0]}`), ...e.asks.map((l) => `a${l[0]}`)]);
          if (prices.size !== e.bids.length + e.asks.length)
            throw new Error(`${key(e)}: a level listed twice`);
          removals += [...e.bids, ...e.asks].filter((l) => l[1] === 0).length;
        }
      }
      if (i % 997 === 0 || i === 60_000) {
        for (const inst of m.instruments) {
          const snap = m.bookSnapshot(inst.venue, inst.symbol);
          const r = books.get(key(inst))!;
          expect(snap.seq).toBe(r.seq);
          expect(r.sortedBids()).toEqual(snap.bids);
          expect(r.sortedAsks()).toEqual(snap.asks);
        }
      }
    }
    expect(diffs).toBeGreaterThan(40_000);
    expect(removals).toBeGreaterThan(1000);
  });

  it('keeps books sorted, uncrossed, on the venue price grid, with at least 20 levels a side', () => {
    const m = new SimMarket({ seed: 9 });
    const byKey = new Map(m.instruments.map((i) => [key(i), i]));
    const faults: string[] = [];
    let checked = 0;
    for (let i = 0; i < 60_000 && faults.length < 10; i++) {
      const e = m.next();
      if (e.kind !== 'book') continue;
      const inst = byKey.get(key(e))!;
      const fault = bookFault(inst, m.bookSnapshot(e.venue, e.symbol));
      if (fault) faults.push(fault);
      checked++;
      for (const [p, s] of [...e.bids, ...e.asks]) {
        if (roundPrice(inst, p) !== p || roundAmount(inst, s) !== s)
          faults.push(`${key(e)}: diff level ${p} ${s}`);
      }
    }
    expect(faults).toEqual([]);
    expect(checked).toBeGreaterThan(40_000);
    const snap = m.bookSnapshot('hyperliquid', 'BTC/USDC:USDC', 20);
    expect(snap.bids).toHaveLength(20);
    expect(snap.asks).toHaveLength(20);
    expect(snap.snapshot).toBe(true);
    expect(() => m.bookSnapshot('binance', 'XRP/USDT:USDT')).toThrow();
  });

  it('sizes book levels realistically per asset, larger further out', () => {
    const m = new SimMarket({ seed: 12 });
    take(m, 5_000);
    const ranges: Record<string, [number, number]> = { BTC: [0.05, 3], ETH: [1, 40], SOL: [20, 800] };
    for (const inst of m.instruments.filter((i) => i.venue === 'binance')) {
      const snap = m.bookSnapshot(inst.venue, inst.symbol);
      const sizes = [...snap.bids, ...snap.asks].map((l) => l[1]);
      const [lo, hi] = ranges[inst.base];
      expect(Math.max(...sizes)).toBeLessThanOrEqual(hi);
      // Near the touch a trade may have taken part of a level; deeper levels stay within bounds.
      const deep = [...snap.bids.slice(5), ...snap.asks.slice(5)].map((l) => l[1]);
      expect(Math.min(...deep)).toBeGreaterThanOrEqual(lo);
      const near = (snap.bids[1][1] + snap.bids[2][1] + snap.asks[1][1] + snap.asks[2][1]) / 4;
      const far = (snap.bids[22][1] + snap.bids[23][1] + snap.asks[22][1] + snap.asks[23][1]) / 4;
      expect(far).toBeGreaterThan(near);
    }
  });

  it('prints public trades at the touch, about one per four book updates, shown in the next diff', () => {
    const m = new SimMarket({ seed: 13 });
    const lastTrade = new Map<string, TradeEvent>();
    let trades = 0;
    let updates = 0;
    let atTouch = 0;
    let buys = 0;
    let seenInDiff = 0;
    let followed = 0;
    const sizes: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const e = m.next();
      if (e.kind === 'trade') {
        trades++;
        if (e.side === 'buy') buys++;
        if (e.symbol.startsWith('BTC/')) sizes.push(e.size);
        const top = m.bookSnapshot(e.venue, e.symbol, 1);
        if (e.price === (e.side === 'buy' ? top.asks[0][0] : top.bids[0][0])) atTouch++;
        if (!lastTrade.has(key(e))) lastTrade.set(key(e), e);
      } else if (e.kind === 'book' && !e.snapshot) {
        updates++;
        const t = lastTrade.get(key(e));
        if (t) {
          followed++;
          const levels = t.side === 'buy' ? e.asks : e.bids;
          if (levels.some((l) => l[0] === t.price)) seenInDiff++;
          lastTrade.delete(key(e));
        }
      }
    }
    expect(trades / updates).toBeGreaterThan(1 / 5);
    expect(trades / updates).toBeLessThan(1 / 3);
    expect(atTouch / trades).toBeGreaterThan(0.95);
    expect(seenInDiff).toBe(followed);
    expect(buys / trades).toBeGreaterThan(0.4);
    expect(buys / trades).toBeLessThan(0.6);
    // Heavy-tailed sizes: the mean well above the median, a long way to the largest.
    sizes.sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1];
    const mean = sizes.reduce((s, x) => s + x, 0) / sizes.length;
    expect(mean).toBeGreaterThan(1.5 * median);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(20 * median);
  });

  it('publishes funding rates per instrument every ~10 s with the venue’s next funding boundary', () => {
    const m = new SimMarket({ seed: 17, startTs: Date.UTC(2026, 0, 5, 7, 58, 0) });
    const funding: FundingRateEvent[] = [];
    let lastTs = 0;
    while (lastTs < Date.UTC(2026, 0, 5, 8, 3, 0)) {
      const e = m.next();
      lastTs = e.ts;
      if (e.kind === 'fundingRate') {
        funding.push(e);
        const top = m.bookSnapshot(e.venue, e.symbol, 1);
        expect(e.markPrice).toBeCloseTo((top.bids[0][0] + top.asks[0][0]) / 2, 6);
      }
    }
    for (const inst of m.instruments) {
      const mine = funding.filter((f) => key(f) === key(inst));
      // 5 minutes of simulated time.
      expect(mine.length).toBeGreaterThanOrEqual(29);
      expect(mine.length).toBeLessThanOrEqual(32);
      for (const f of mine) {
        expect(f.rate).toMatch(/^-?\d+(\.\d{1,8})?$/);
        const rate = Number(f.rate);
        const interval = inst.fundingIntervalHours * HOUR;
        expect(f.nextFundingTs).toBeGreaterThan(f.ts);
        expect(f.nextFundingTs - f.ts).toBeLessThanOrEqual(interval);
        expect(f.nextFundingTs % interval).toBe(0);
        if (inst.venue === 'binance') {
          expect([0, 8, 16]).toContain(new Date(f.nextFundingTs).getUTCHours());
          expect(rate).toBeGreaterThan(0);
          expect(rate).toBeLessThan(0.0003);
        } else {
          expect(Math.abs(rate)).toBeLessThanOrEqual(0.04);
          expect(Math.abs(rate - 0.0000125)).toBeLessThan(0.0002);
        }
      }
      const nexts = new Set(mine.map((f) => new Date(f.nextFundingTs).toISOString()));
      expect(nexts).toEqual(
        inst.venue === 'binance'
          ? new Set(['2026-01-05T08:00:00.000Z', '2026-01-05T16:00:00.000Z'])
          : new Set(['2026-01-05T08:00:00.000Z', '2026-01-05T09:00:00.000Z']),
      );
    }
  });

  it('keeps the cross-venue gross spread inside the fees, with rare brief excursions past 19 bp', () => {
    const m = new SimMarket({ seed: 1 });
    const pairs = new Map<string, [string, string]>();
    for (const inst of m.instruments) {
      const other = m.instruments.find((o) => o.base === inst.base && o.venue !== inst.venue)!;
      pairs.set(
        key(inst),
        inst.venue === 'binance' ? [inst.symbol, other.symbol] : [other.symbol, inst.symbol],
      );
    }
    const cross: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const e = m.next();
      if (e.kind !== 'book' || e.snapshot) continue;
      const [bSym, hSym] = pairs.get(key(e))!;
      const b = m.bookSnapshot('binance', bSym, 1);
      const h = m.bookSnapshot('hyperliquid', hSym, 1);
      const mid = (b.bids[0][0] + b.asks[0][0]) / 2;
      const best = Math.max(b.bids[0][0] - h.asks[0][0], h.bids[0][0] - b.asks[0][0]);
      cross.push((best / mid) * 1e4);
    }
    cross.sort((x, y) => x - y);
    const median = cross[cross.length >> 1];
    const over19 = cross.filter((x) => x > 19).length / cross.length;
    const within5 = cross.filter((x) => x <= 5).length / cross.length;
    expect(median).toBeLessThan(9.5);
    expect(within5).toBeGreaterThan(0.9);
    expect(over19).toBeGreaterThan(0.0001);
    expect(over19).toBeLessThan(0.05);
  });

  it('controls the rate: N book updates span about N / updatesPerSecond of simulated time', () => {
    for (const ups of [10, 200, 5_000]) {
      const m = new SimMarket({ seed: 23, updatesPerSecond: ups });
      const n = 5_000;
      let books = 0;
      let first = -1;
      let last = 0;
      while (books < n) {
        const e = m.next();
        if (e.kind !== 'book' || e.snapshot) continue;
        if (first < 0) first = e.ts;
        last = e.ts;
        books++;
      }
      const span = (last - first) / 1000;
      expect(span).toBeGreaterThan((0.93 * n) / ups);
      expect(span).toBeLessThan((1.07 * n) / ups);
    }
  });

  it('runs the same price paths at any event rate (the fair price at funding times matches)', () => {
    const slow = new SimMarket({ seed: 29, updatesPerSecond: 10 });
    const fast = new SimMarket({ seed: 29, updatesPerSecond: 5_000 });
    const fairAtFunding = (m: SimMarket): number[] => {
      const out: number[] = [];
      for (let e = m.next(); e.ts < START + 60_000; e = m.next()) {
        if (e.kind === 'fundingRate' && e.ts > START) out.push(m.fairPrice('BTC'), m.fairPrice('SOL'));
      }
      return out;
    };
    const a = fairAtFunding(slow);
    expect(a.length).toBeGreaterThanOrEqual(60);
    expect(fairAtFunding(fast)).toEqual(a);
  });
});

describe('PriceField', () => {
  const assets = ['BTC', 'ETH', 'SOL'].map((a) => SIM_ASSETS[a]);
  const venues = [VENUE_DYNAMICS.binance, VENUE_DYNAMICS.hyperliquid];

  it('has the target diffusive volatility on average, with volatility clustering', () => {
    const noJumps = assets.map((a) => ({ ...a, jumpMeanIntervalS: Infinity }));
    const field = new PriceField(new SeededRandom(31), noJumps, venues);
    const seconds = 8 * 3600;
    const sumSq = [0, 0, 0];
    const minuteVar: number[][] = [[], [], []];
    const prev = [0, 0, 0];
    let minute = [0, 0, 0];
    for (let s = 1; s <= seconds; s++) {
      field.advanceTo(s * 1000);
      for (let a = 0; a < 3; a++) {
        const x = field.fairLog(a);
        const r = x - prev[a];
        prev[a] = x;
        sumSq[a] += r * r;
        minute[a] += r * r;
      }
      if (s % 60 === 0) {
        for (let a = 0; a < 3; a++) minuteVar[a].push(minute[a]);
        minute = [0, 0, 0];
      }
    }
    const perYear = (365 * 24 * 3600) / seconds;
    for (let a = 0; a < 3; a++) {
      const vol = Math.sqrt(sumSq[a] * perYear);
      expect(vol / assets[a].annualVol).toBeGreaterThan(0.75);
      expect(vol / assets[a].annualVol).toBeLessThan(1.25);
      // Clustering: one minute's realised variance predicts the next one's.
      const v = minuteVar[a];
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < v.length; i++) {
        den += (v[i] - mean) ** 2;
        if (i > 0) num += (v[i] - mean) * (v[i - 1] - mean);
      }
      expect(num / den).toBeGreaterThan(0.2);
    }
  });

  it('jumps at the configured rate', () => {
    // Hourly jumps are too rare to count in a test's time: the rate is the setting under test, not its value.
    const frequent = assets.map((a) => ({ ...a, jumpMeanIntervalS: 120 }));
    const field = new PriceField(new SeededRandom(37), frequent, venues);
    const seconds = 4 * 3600;
    field.advanceTo(seconds * 1000);
    for (let a = 0; a < 3; a++) {
      const expected = seconds / frequent[a].jumpMeanIntervalS;
      expect(field.jumpCount(a)).toBeGreaterThan(0.8 * expected);
      expect(field.jumpCount(a)).toBeLessThan(1.2 * expected);
    }
  });

  it('lets binance lead and hyperliquid lag the fair price', () => {
    // Fair-price jumps show the lag plainly; venue-only dislocations are noise to this measure.
    const calm = assets.map((a) => ({ ...a, jumpMeanIntervalS: 120, dislocationMeanIntervalS: Infinity }));
    const field = new PriceField(new SeededRandom(41), calm, venues);
    const stepMs = 100;
    const n = 20_000;
    const bn: number[] = [];
    const hl: number[] = [];
    let pb = 0;
    let ph = 0;
    for (let i = 1; i <= n; i++) {
      field.advanceTo(i * stepMs);
      const b = field.venueLog(0, 0);
      const h = field.venueLog(0, 1);
      bn.push(b - pb);
      hl.push(h - ph);
      pb = b;
      ph = h;
    }
    const corr = (x: number[], y: number[], lag: number): number => {
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = lag; i < x.length; i++) {
        sxy += x[i - lag] * y[i];
        sxx += x[i - lag] ** 2;
        syy += y[i] ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    // Binance's move now predicts hyperliquid's next move, not the other way round.
    expect(corr(bn, hl, 1)).toBeGreaterThan(0.2);
    expect(corr(bn, hl, 1)).toBeGreaterThan(3 * Math.abs(corr(hl, bn, 1)));
    expect(GRID_MS).toBeLessThanOrEqual(10);
  });
});

describe('venue dislocations', () => {
  it('move one venue away from the fair price and decay within seconds, leaving the fair price alone', () => {
    const assets = ['BTC'].map((a) => ({
      ...SIM_ASSETS[a],
      dislocationMeanIntervalS: 60,
      jumpMeanIntervalS: Infinity,
    }));
    const calm = assets.map((a) => ({ ...a, dislocationMeanIntervalS: Infinity }));
    const venues = [VENUE_DYNAMICS.binance, VENUE_DYNAMICS.hyperliquid];
    const gap = (f: PriceField) => Math.abs(f.venueLog(0, 1) - f.venueLog(0, 0)) * 1e4;
    const withD = new PriceField(new SeededRandom(5), assets, venues);
    const without = new PriceField(new SeededRandom(5), calm, venues);
    let wide = 0;
    let maxGap = 0;
    const n = 36_000;
    for (let i = 1; i <= n; i++) {
      withD.advanceTo(i * 100);
      without.advanceTo(i * 100);
      const g = gap(withD);
      maxGap = Math.max(maxGap, g);
      if (g > 10) wide++;
    }
    // An hour with one a minute on average: some pass 15 bp, yet the gap is wide only a few % of the time.
    expect(maxGap).toBeGreaterThan(15);
    expect(wide / n).toBeGreaterThan(0.002);
    expect(wide / n).toBeLessThan(0.08);
  });
});
