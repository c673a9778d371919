// The loopback Bybit's public side: linear USDT perpetuals mirrored off the simulated Binance perp books (zero basis),
// and the v5 /market answers in Bybit's shapes (instruments-info, orderbook, tickers with funding, time).
import type { Instrument } from '../../source/core/instrument.ts';
import type { OrderBook } from '../../source/core/order-book.ts';
import type { SimExchange } from './sim-exchange.ts';
import { paramError, BybitError } from './bybit-wire.ts';

/** Our name for the loopback Bybit venue, in the SimExchange and in `tradedesk sim-venue`'s first line. */
export const BYBIT_VENUE = 'bybit';
/** The venue whose books, trades and funding the Bybit perps mirror, event for event. */
export const BYBIT_SOURCE_VENUE = 'binance';
/** Bybit's minNotionalValue on the USDT perps. */
const BYBIT_MIN_NOTIONAL = 5;
/** Bybit's base-tier (VIP 0) perp fees: what the account's fee-rate endpoint reports and fills are charged at. */
export const BYBIT_ACCOUNT_FEE_RATES = { maker: '0.0002', taker: '0.00055' } as const;
/** Linear contracts are one unit of the base coin. */
export const LINEAR_CONTRACT_SIZE = 1;
const LAUNCH_TIME = '1585526400000';
const ORDERBOOK_LIMIT_MAX = 500;

/** The Bybit twin of a simulated Binance perp: same symbol, tick and step; Bybit's notional floor, fees, funding. */
export function bybitInstrument(perp: Instrument): Instrument {
  return {
    ...perp,
    venue: BYBIT_VENUE,
    minNotional: BYBIT_MIN_NOTIONAL,
    makerFee: BYBIT_ACCOUNT_FEE_RATES.maker,
    takerFee: BYBIT_ACCOUNT_FEE_RATES.taker,
    fundingIntervalHours: 8,
  };
}

export interface BybitSymbol {
  inst: Instrument;
  /** "BTCUSDT" */
  id: string;
}

export class BybitMarket {
  readonly symbols: BybitSymbol[];
  private readonly byId = new Map<string, BybitSymbol>();
  private readonly bySim = new Map<string, BybitSymbol>();

  constructor(readonly exchange: SimExchange) {
    this.symbols = exchange
      .venueInstruments(BYBIT_VENUE)
      .map((inst) => ({ inst, id: `${inst.base}${inst.quote}` }));
    for (const s of this.symbols) {
      this.byId.set(s.id, s);
      this.bySim.set(s.inst.symbol, s);
    }
  }

  byBybitId(id: string): BybitSymbol | undefined {
    return this.byId.get(id);
  }

  bySimSymbol(symbol: string): BybitSymbol | undefined {
    return this.bySim.get(symbol);
  }

  /** category must be linear: the loopback lists no spot, inverse or option markets. */
  requireLinear(params: Record<string, string>): void {
    if (!params.category) throw paramError('params error: category is required');
    if (params.category !== 'linear')
      throw new BybitError(10001, `params error: category ${params.category} is not served here`);
  }

  requireSymbol(params: Record<string, string>): BybitSymbol {
    if (!params.symbol) throw paramError('params error: symbol invalid');
    const s = this.byId.get(params.symbol);
    if (!s) throw new BybitError(10001, 'Not supported symbols');
    return s;
  }

  optionalSymbols(params: Record<string, string>): BybitSymbol[] {
    return params.symbol ? [this.requireSymbol(params)] : this.symbols;
  }

  book(s: BybitSymbol): OrderBook {
    return this.exchange.book(BYBIT_VENUE, s.inst.symbol);
  }

  price(s: BybitSymbol, p: number): string {
    return p.toFixed(s.inst.priceDecimals);
  }

  qty(s: BybitSymbol, q: number): string {
    return q.toFixed(s.inst.amountDecimals);
  }

  /** Zero basis: Bybit's funding and mark are the mirrored Binance perp's. */
  funding(s: BybitSymbol): { rate: string; nextFundingTs: number; markPrice: number } | undefined {
    return this.exchange.fundingOf(BYBIT_SOURCE_VENUE, s.inst.symbol);
  }

  markPrice(s: BybitSymbol): number {
    const f = this.funding(s);
    if (f && Number.isFinite(f.markPrice) && f.markPrice > 0) return f.markPrice;
    const mid = this.book(s).mid;
    return Number.isFinite(mid) ? mid : 0;
  }

  /** GET /v5/market/instruments-info (category=linear); the PreLaunch list is empty. */
  instrumentsInfo(params: Record<string, string>): unknown {
    this.requireLinear(params);
    const list = params.status && params.status !== 'Trading' ? [] : this.optionalSymbols(params);
    return {
      category: 'linear',
      list: list.map((s) => ({
        symbol: s.id,
        contractType: 'LinearPerpetual',
        status: 'Trading',
        baseCoin: s.inst.base,
        quoteCoin: s.inst.quote,
        launchTime: LAUNCH_TIME,
        deliveryTime: '0',
        deliveryFeeRate: '',
        priceScale: String(s.inst.priceDecimals),
        leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
        priceFilter: {
          minPrice: this.price(s, s.inst.tick),
          maxPrice: this.price(s, 1_999_999),
          tickSize: this.price(s, s.inst.tick),
        },
        lotSizeFilter: {
          maxOrderQty: this.qty(s, s.inst.step * 1e6),
          minOrderQty: this.qty(s, s.inst.step),
          qtyStep: this.qty(s, s.inst.step),
          postOnlyMaxOrderQty: this.qty(s, s.inst.step * 1e6),
          maxMktOrderQty: this.qty(s, s.inst.step * 1e5),
          minNotionalValue: String(s.inst.minNotional),
        },
        unifiedMarginTrade: true,
        fundingInterval: s.inst.fundingIntervalHours * 60,
        settleCoin: s.inst.quote,
        copyTrading: 'both',
        upperFundingRate: '0.00375',
        lowerFundingRate: '-0.00375',
        isPreListing: false,
      })),
      nextPageCursor: '',
    };
  }

  /** GET /v5/market/orderbook: linear depth 1–500, default 25; `u` is the book's update id, as on the stream. */
  orderbook(params: Record<string, string>, updateId: (s: BybitSymbol) => number): unknown {
    this.requireLinear(params);
    const s = this.requireSymbol(params);
    const limit = params.limit === undefined ? 25 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > ORDERBOOK_LIMIT_MAX)
      throw paramError('params error: limit must be 1-500');
    const book = this.book(s);
    return {
      s: s.id,
      b: this.levels(s, book.bids.prices, book.bids.sizes, limit),
      a: this.levels(s, book.asks.prices, book.asks.sizes, limit),
      ts: Date.now(),
      u: updateId(s),
      seq: book.seq,
      cts: book.ts,
    };
  }

  levels(s: BybitSymbol, prices: number[], sizes: number[], limit: number): [string, string][] {
    const n = Math.min(limit, prices.length);
    const out: [string, string][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = [this.price(s, prices[i]), this.qty(s, sizes[i])];
    return out;
  }

  /** GET /v5/market/tickers (category=linear): top of book, mark, and the funding rate with its next time. */
  tickers(params: Record<string, string>): unknown {
    this.requireLinear(params);
    return {
      category: 'linear',
      list: this.optionalSymbols(params).map((s) => {
        const book = this.book(s);
        const f = this.funding(s);
        const mark = this.price(s, this.markPrice(s));
        return {
          symbol: s.id,
          lastPrice: mark,
          indexPrice: mark,
          markPrice: mark,
          prevPrice24h: mark,
          price24hPcnt: '0',
          highPrice24h: mark,
          lowPrice24h: mark,
          prevPrice1h: mark,
          openInterest: '0',
          openInterestValue: '0',
          turnover24h: '0',
          volume24h: '0',
          fundingRate: Number(f?.rate ?? '0').toFixed(8),
          nextFundingTime: String(f?.nextFundingTs ?? 0),
          predictedDeliveryPrice: '',
          basisRate: '',
          deliveryFeeRate: '',
          deliveryTime: '0',
          ask1Size: this.qty(s, book.asks.sizes[0] ?? 0),
          bid1Price: this.price(s, book.bestBid || 0),
          ask1Price: this.price(s, book.bestAsk || 0),
          bid1Size: this.qty(s, book.bids.sizes[0] ?? 0),
          basis: '',
          fundingIntervalHour: String(s.inst.fundingIntervalHours),
        };
      }),
    };
  }
}
