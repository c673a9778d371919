// The deterministic simulated market: books, public trades and funding for binance and hyperliquid perps,
// driven by one fair price per asset that each venue follows with its own lag. Transport-free.
import type { Instrument } from '../../source/core/instrument.ts';
import type {
  BookEvent,
  FundingRateEvent,
  MarketEvent,
  TradeEvent,
} from '../../source/core/market-events.ts';
import { SeededRandom } from '../../source/core/random.ts';
import { PriceField, type VenueDynamics } from './fair-price.ts';
import {
  DEFAULT_SIM_ASSETS,
  HYPERLIQUID_INTEREST_PER_HOUR,
  SIM_VENUES,
  simAssetSpec,
  simInstruments,
  type SimVenue,
} from './instruments.ts';
import { SimBook } from './sim-book.ts';

export { simInstruments } from './instruments.ts';

export interface SimMarketOptions {
  seed: number;
  /** Base assets, default ['BTC','ETH','SOL']. */
  assets?: string[];
  /** Total book updates per second across all books, on the simulated clock (10 .. >= 5000). Default 200. */
  updatesPerSecond?: number;
  /** Simulated start time, ms since epoch. Default Date.UTC(2026, 0, 5, 0, 0, 0). */
  startTs?: number;
}

/** Binance follows the fair price almost at once; hyperliquid lags it (the lead-lag a model can learn). */
export const VENUE_DYNAMICS: Readonly<Record<SimVenue, VenueDynamics>> = {
  binance: { lagMs: 40, noiseBps: 0.3, noiseTauMs: 500, basisShare: 0 },
  hyperliquid: { lagMs: 750, noiseBps: 1, noiseTauMs: 1_000, basisShare: 1 },
};

/** Resting sizes on hyperliquid relative to binance. */
const VENUE_DEPTH_FACTOR: Readonly<Record<SimVenue, number>> = { binance: 1, hyperliquid: 0.7 };
/** Public trades per book update. */
const TRADES_PER_UPDATE = 0.25;
const TRADE_SHARE = TRADES_PER_UPDATE / (1 + TRADES_PER_UPDATE);
/** Tail index of trade sizes (Pareto): heavy, with a finite mean. */
const TRADE_SIZE_ALPHA = 1.3;
const FUNDING_EVERY_MS = 10_000;
const HOUR_MS = 3_600_000;
const HL_FUNDING_CAP_PER_HOUR = 0.04;
const BINANCE_FUNDING_BASE = 0.0001;
const BINANCE_FUNDING_CAP = 0.003;

/** A funding rate as a decimal string of at most 8 decimals. */
function rateText(rate: number): string {
  const s = rate.toFixed(8).replace(/\.?0+$/, '');
  return s === '-0' || s === '' ? '0' : s;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export class SimMarket {
  readonly instruments: Instrument[];
  private readonly assets: string[];
  private readonly field: PriceField;
  private readonly rng: SeededRandom;
  private readonly books: SimBook[];
  private readonly bookAsset: number[];
  private readonly bookVenue: number[];
  private readonly tradeSizeMin: number[];
  private readonly bookByKey = new Map<string, SimBook>();
  private readonly startTs: number;
  private readonly meanGapMs: number;
  private nextTickMs: number;
  private readonly nextFundingMs: number[];
  private startup: MarketEvent[];
  private startupIx = 0;

  constructor(opts: SimMarketOptions) {
    const updatesPerSecond = opts.updatesPerSecond ?? 200;
    if (!(updatesPerSecond > 0))
      throw new RangeError(`updatesPerSecond must be positive: ${updatesPerSecond}`);
    this.assets = [...(opts.assets ?? DEFAULT_SIM_ASSETS)];
    const specs = this.assets.map(simAssetSpec);
    this.startTs = opts.startTs ?? Date.UTC(2026, 0, 5, 0, 0, 0);
    this.instruments = simInstruments(this.assets);
    // Two streams: the price field's path must not depend on how many events are drawn in between.
    this.field = new PriceField(
      new SeededRandom(opts.seed),
      specs,
      SIM_VENUES.map((v) => VENUE_DYNAMICS[v]),
    );
    this.rng = new SeededRandom(Math.imul((opts.seed ^ 0x5bd1e995) >>> 0, 0x27d4eb2d));
    const na = this.assets.length;
    this.bookAsset = this.instruments.map((_, i) => i % na);
    this.bookVenue = this.instruments.map((_, i) => Math.floor(i / na));
    this.tradeSizeMin = this.bookAsset.map((a) => specs[a].tradeSizeMin);
    this.books = this.instruments.map((inst, i) => {
      const a = this.bookAsset[i];
      const v = this.bookVenue[i];
      const factor = VENUE_DEPTH_FACTOR[SIM_VENUES[v]];
      const { typical, min, max } = specs[a].levelSize;
      const sizing = { typical: typical * factor, min, max: max * factor };
      const book = new SimBook(inst, sizing, this.rng, this.field.venuePrice(a, v), this.startTs);
      this.bookByKey.set(`${inst.venue}|${inst.symbol}`, book);
      return book;
    });
    // Poisson ticks at the book-update rate plus the trade rate; each tick is a trade or an update.
    this.meanGapMs = 1000 / (updatesPerSecond * (1 + TRADES_PER_UPDATE));
    this.nextTickMs = this.rng.exponential(this.meanGapMs);
    const n = this.books.length;
    this.nextFundingMs = this.books.map((_, i) => FUNDING_EVERY_MS + Math.round((i * FUNDING_EVERY_MS) / n));
    this.startup = [
      ...this.books.map((b) => b.snapshot()),
      ...this.books.map((_, i) => this.funding(i, this.startTs)),
    ];
  }

  next(): MarketEvent {
    if (this.startupIx < this.startup.length) {
      const e = this.startup[this.startupIx++];
      if (this.startupIx === this.startup.length) {
        this.startup = [];
        this.startupIx = 0;
      }
      return e;
    }
    let fi = 0;
    for (let i = 1; i < this.nextFundingMs.length; i++) {
      if (this.nextFundingMs[i] < this.nextFundingMs[fi]) fi = i;
    }
    const fundingAt = this.nextFundingMs[fi];
    if (fundingAt <= this.nextTickMs) {
      this.nextFundingMs[fi] += FUNDING_EVERY_MS;
      this.field.advanceTo(fundingAt);
      return this.funding(fi, this.startTs + fundingAt);
    }
    const t = this.nextTickMs;
    this.nextTickMs += this.rng.exponential(this.meanGapMs);
    this.field.advanceTo(t);
    const ts = this.startTs + Math.floor(t);
    const bi = this.rng.int(this.books.length);
    if (this.rng.next() < TRADE_SHARE) {
      const trade = this.trade(bi, ts);
      if (trade) return trade;
    }
    return this.books[bi].update(this.field.venuePrice(this.bookAsset[bi], this.bookVenue[bi]), ts);
  }

  bookSnapshot(venue: string, symbol: string, depth?: number): BookEvent {
    const book = this.bookByKey.get(`${venue}|${symbol}`);
    if (!book) throw new RangeError(`no simulated book ${venue} ${symbol}`);
    return book.snapshot(depth);
  }

  fairPrice(asset: string): number {
    const a = this.assets.indexOf(asset);
    if (a < 0) throw new RangeError(`no simulated asset "${asset}"`);
    return this.field.fairPrice(a);
  }

  private trade(bi: number, ts: number): TradeEvent | null {
    // Aggressors lean with the recent move of the fair price: informed flow hits the lagging quotes.
    const move = this.field.recentMoveBps(this.bookAsset[bi]);
    const side = this.rng.next() < 0.5 + 0.4 * Math.tanh(move / 5) ? 'buy' : 'sell';
    let u = 0;
    while (u === 0) u = this.rng.next();
    const wanted = this.tradeSizeMin[bi] * u ** (-1 / TRADE_SIZE_ALPHA);
    const book = this.books[bi];
    const fill = book.trade(side, wanted);
    if (!fill) return null;
    return {
      kind: 'trade',
      venue: book.inst.venue,
      symbol: book.inst.symbol,
      ts,
      price: fill.price,
      size: fill.size,
      side,
    };
  }

  private funding(bi: number, ts: number): FundingRateEvent {
    const book = this.books[bi];
    const a = this.bookAsset[bi];
    const intervalMs = book.inst.fundingIntervalHours * HOUR_MS;
    let rate: number;
    if (SIM_VENUES[this.bookVenue[bi]] === 'binance') {
      // Per 8 h: the 0.01 % interest level, moved by the crowd's long bias, with a little noise.
      const r = BINANCE_FUNDING_BASE + 4 * this.field.sentiment(a) + 2e-6 * this.rng.normal();
      rate = clamp(r, -BINANCE_FUNDING_CAP, BINANCE_FUNDING_CAP);
    } else {
      // Per hour: premium (long bias plus the venue's basis, spread over 8 h) plus interest, capped.
      const premium = this.field.sentiment(a) + this.field.basis(a) / 8 + 1e-6 * this.rng.normal();
      rate = clamp(
        premium + HYPERLIQUID_INTEREST_PER_HOUR,
        -HL_FUNDING_CAP_PER_HOUR,
        HL_FUNDING_CAP_PER_HOUR,
      );
    }
    return {
      kind: 'fundingRate',
      venue: book.inst.venue,
      symbol: book.inst.symbol,
      ts,
      rate: rateText(rate),
      nextFundingTs: Math.floor(ts / intervalMs) * intervalMs + intervalMs,
      markPrice: book.mid(),
    };
  }
}
