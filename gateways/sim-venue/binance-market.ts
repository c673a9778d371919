// The public side of the loopback Binance: symbols, exchangeInfo, books, tickers, trades and funding in Binance's JSON.
import type { Instrument } from '../../source/core/instrument.ts';
import type { FundingRateEvent, TradeEvent } from '../../source/core/market-events.ts';
import type { OrderBook } from '../../source/core/order-book.ts';
import type { SimExchange } from './sim-exchange.ts';
import {
  BinanceError,
  binanceId,
  intParam,
  invalidSymbol,
  missingParam,
  priceText,
  qtyText,
} from './binance-wire.ts';

export const VENUE = 'binance';
const ONBOARD_DATE = 1569398400000;
/** Binance's "delivery date" of a perpetual. */
const PERPETUAL_DELIVERY = 4133404800000;
const TRADES_KEPT = 1000;
const FUNDING_KEPT = 1000;
const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];

export interface SymbolInfo {
  inst: Instrument;
  /** "BTCUSDT" */
  id: string;
  /** "btcusdt", as stream names spell it */
  lower: string;
}

export interface PublicTrade {
  id: number;
  price: number;
  qty: number;
  /** The buyer was the maker: the aggressor sold. */
  buyerMaker: boolean;
  ts: number;
}

interface DayStats {
  open: number;
  high: number;
  low: number;
  last: number;
  lastQty: number;
  volume: number;
  quoteVolume: number;
  count: number;
  firstId: number;
  openTime: number;
}

export class BinanceMarket {
  readonly symbols: SymbolInfo[];
  private readonly byId = new Map<string, SymbolInfo>();
  private readonly bySymbol = new Map<string, SymbolInfo>();
  private readonly trades = new Map<string, PublicTrade[]>();
  private readonly nextTradeId = new Map<string, number>();
  private readonly stats = new Map<string, DayStats>();
  private readonly settled = new Map<
    string,
    { fundingTime: number; fundingRate: string; markPrice: number }[]
  >();
  private readonly lastFunding = new Map<string, FundingRateEvent>();

  /** The SimExchange venue served ('binance', or 'binance-spot' for the spot server). */
  readonly venue: string;
  /** Spot: no funding, and diff depth events carry U and u without pu. */
  readonly spot: boolean;

  constructor(
    readonly exchange: SimExchange,
    opts: { venue?: string; spot?: boolean } = {},
  ) {
    this.venue = opts.venue ?? VENUE;
    this.spot = opts.spot ?? false;
    this.symbols = exchange.venueInstruments(this.venue).map((inst) => {
      const id = binanceId(inst);
      return { inst, id, lower: id.toLowerCase() };
    });
    for (const s of this.symbols) {
      this.byId.set(s.id, s);
      this.bySymbol.set(s.inst.symbol, s);
    }
  }

  byBinanceId(id: string): SymbolInfo | undefined {
    return this.byId.get(id.toUpperCase());
  }

  bySimSymbol(symbol: string): SymbolInfo | undefined {
    return this.bySymbol.get(symbol);
  }

  /** The `symbol` parameter, which must name one of ours. */
  requireSymbol(params: URLSearchParams): SymbolInfo {
    const id = params.get('symbol');
    if (!id) throw missingParam('symbol');
    const info = this.byId.get(id);
    if (!info) throw invalidSymbol();
    return info;
  }

  /** The optional `symbol` parameter: one symbol, or all of them. */
  optionalSymbols(params: URLSearchParams): { one: boolean; list: SymbolInfo[] } {
    const id = params.get('symbol');
    if (!id) return { one: false, list: this.symbols };
    const info = this.byId.get(id);
    if (!info) throw invalidSymbol();
    return { one: true, list: [info] };
  }

  book(info: SymbolInfo): OrderBook {
    return this.exchange.book(this.venue, info.inst.symbol);
  }

  /** One mark price for everything (premiumIndex, markPrice stream, positions): the venue's last mark, else the mid. */
  markPrice(info: SymbolInfo): number {
    const f = this.exchange.fundingOf(this.venue, info.inst.symbol);
    if (f && Number.isFinite(f.markPrice) && f.markPrice > 0) return f.markPrice;
    const mid = this.book(info).mid;
    return Number.isFinite(mid) ? mid : 0;
  }

  /** Record a public trade; returns it with its Binance trade id. */
  onTrade(info: SymbolInfo, ev: TradeEvent): PublicTrade {
    const id = this.nextTradeId.get(info.id) ?? 1;
    this.nextTradeId.set(info.id, id + 1);
    const t: PublicTrade = { id, price: ev.price, qty: ev.size, buyerMaker: ev.side === 'sell', ts: ev.ts };
    let list = this.trades.get(info.id);
    if (!list) this.trades.set(info.id, (list = []));
    list.push(t);
    if (list.length > TRADES_KEPT * 2) list.splice(0, list.length - TRADES_KEPT);
    const s = this.stats.get(info.id);
    if (!s) {
      this.stats.set(info.id, {
        open: t.price,
        high: t.price,
        low: t.price,
        last: t.price,
        lastQty: t.qty,
        volume: t.qty,
        quoteVolume: t.qty * t.price,
        count: 1,
        firstId: id,
        openTime: t.ts,
      });
    } else {
      s.high = Math.max(s.high, t.price);
      s.low = Math.min(s.low, t.price);
      s.last = t.price;
      s.lastQty = t.qty;
      s.volume += t.qty;
      s.quoteVolume += t.qty * t.price;
      s.count += 1;
    }
    return t;
  }

  /** A new funding prediction; when the funding time moved on, the previous interval settled at its last rate. */
  onFunding(info: SymbolInfo, ev: FundingRateEvent): void {
    const prev = this.lastFunding.get(info.id);
    if (prev && ev.nextFundingTs > prev.nextFundingTs) {
      let list = this.settled.get(info.id);
      if (!list) this.settled.set(info.id, (list = []));
      list.push({ fundingTime: prev.nextFundingTs, fundingRate: prev.rate, markPrice: prev.markPrice });
      if (list.length > FUNDING_KEPT) list.shift();
    }
    this.lastFunding.set(info.id, ev);
  }

  exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: Date.now(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [...new Set(this.symbols.map((s) => s.inst.quote))].map((asset) => ({
        asset,
        marginAvailable: true,
        autoAssetExchange: '-10000',
      })),
      symbols: this.symbols.map((s) => symbolJson(s)),
    };
  }

  depth(info: SymbolInfo, limitParam: number | undefined): unknown {
    // Binance documents 5, 10, 20, 50, 100, 500 and 1000 and answers other sizes with the next larger one.
    const wanted = limitParam ?? 500;
    if (wanted <= 0)
      throw new BinanceError(
        400,
        -1100,
        "Illegal characters found in parameter 'limit'; legal range is '1-1000'.",
      );
    const limit = DEPTH_LIMITS.find((l) => l >= wanted) ?? 1000;
    const book = this.book(info);
    const side = (prices: number[], sizes: number[]): [string, string][] => {
      const n = Math.min(limit, prices.length);
      const out: [string, string][] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = [priceText(info.inst, prices[i]), qtyText(info.inst, sizes[i])];
      return out;
    };
    return {
      lastUpdateId: book.seq,
      E: Date.now(),
      T: book.ts,
      bids: side(book.bids.prices, book.bids.sizes),
      asks: side(book.asks.prices, book.asks.sizes),
    };
  }

  bookTicker(info: SymbolInfo): unknown {
    const b = this.book(info);
    return {
      symbol: info.id,
      bidPrice: priceText(info.inst, b.bestBid || 0),
      bidQty: qtyText(info.inst, b.bids.sizes[0] ?? 0),
      askPrice: priceText(info.inst, b.bestAsk || 0),
      askQty: qtyText(info.inst, b.asks.sizes[0] ?? 0),
      time: b.ts,
      lastUpdateId: b.seq,
    };
  }

  tickerPrice(info: SymbolInfo): unknown {
    const s = this.stats.get(info.id);
    const price = s?.last ?? this.markPrice(info);
    return { symbol: info.id, price: priceText(info.inst, price), time: Date.now() };
  }

  ticker24hr(info: SymbolInfo): unknown {
    const s = this.stats.get(info.id);
    const now = Date.now();
    const last = s?.last ?? this.markPrice(info);
    const open = s?.open ?? last;
    const change = last - open;
    return {
      symbol: info.id,
      priceChange: priceText(info.inst, change),
      priceChangePercent: (open > 0 ? (change / open) * 100 : 0).toFixed(3),
      weightedAvgPrice: priceText(info.inst, s && s.volume > 0 ? s.quoteVolume / s.volume : last),
      lastPrice: priceText(info.inst, last),
      lastQty: qtyText(info.inst, s?.lastQty ?? 0),
      openPrice: priceText(info.inst, open),
      highPrice: priceText(info.inst, s?.high ?? last),
      lowPrice: priceText(info.inst, s?.low ?? last),
      volume: qtyText(info.inst, s?.volume ?? 0),
      quoteVolume: (s?.quoteVolume ?? 0).toFixed(2),
      openTime: s?.openTime ?? now,
      closeTime: now,
      firstId: s?.firstId ?? 0,
      lastId: (this.nextTradeId.get(info.id) ?? 1) - 1,
      count: s?.count ?? 0,
    };
  }

  premiumIndex(info: SymbolInfo): unknown {
    const f = this.exchange.fundingOf(this.venue, info.inst.symbol);
    const mark = priceText(info.inst, this.markPrice(info));
    return {
      symbol: info.id,
      markPrice: mark,
      indexPrice: mark,
      estimatedSettlePrice: mark,
      lastFundingRate: Number(f?.rate ?? '0').toFixed(8),
      interestRate: '0.00010000',
      nextFundingTime: f?.nextFundingTs ?? 0,
      time: Date.now(),
    };
  }

  fundingInfo(): unknown {
    return this.symbols.map((s) => ({
      symbol: s.id,
      adjustedFundingRateCap: '0.03000000',
      adjustedFundingRateFloor: '-0.03000000',
      fundingIntervalHours: s.inst.fundingIntervalHours,
      disclaimer: false,
    }));
  }

  fundingRateHistory(params: URLSearchParams): unknown {
    const { list } = this.optionalSymbols(params);
    const start = intParam(params, 'startTime') ?? 0;
    const end = intParam(params, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    const limit = Math.min(intParam(params, 'limit') ?? 100, 1000);
    const out: unknown[] = [];
    for (const s of list)
      for (const f of this.settled.get(s.id) ?? [])
        if (f.fundingTime >= start && f.fundingTime <= end)
          out.push({
            symbol: s.id,
            fundingTime: f.fundingTime,
            fundingRate: Number(f.fundingRate).toFixed(8),
            markPrice: priceText(s.inst, f.markPrice),
          });
    return out.slice(-limit);
  }

  recentTrades(info: SymbolInfo, params: URLSearchParams, aggregated: boolean): unknown {
    const limit = Math.min(intParam(params, 'limit') ?? 500, 1000);
    const fromId = intParam(params, 'fromId');
    const start = intParam(params, 'startTime') ?? 0;
    const end = intParam(params, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    let list = (this.trades.get(info.id) ?? []).filter((t) => t.ts >= start && t.ts <= end);
    list = fromId !== undefined ? list.filter((t) => t.id >= fromId).slice(0, limit) : list.slice(-limit);
    return list.map((t) =>
      aggregated
        ? {
            a: t.id,
            p: priceText(info.inst, t.price),
            q: qtyText(info.inst, t.qty),
            f: t.id,
            l: t.id,
            T: t.ts,
            m: t.buyerMaker,
          }
        : {
            id: t.id,
            price: priceText(info.inst, t.price),
            qty: qtyText(info.inst, t.qty),
            quoteQty: (t.price * t.qty).toFixed(8),
            time: t.ts,
            isBuyerMaker: t.buyerMaker,
          },
    );
  }
}

function symbolJson(s: SymbolInfo): unknown {
  const { inst } = s;
  const step = qtyText(inst, inst.step);
  const tick = priceText(inst, inst.tick);
  return {
    symbol: s.id,
    pair: s.id,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: ONBOARD_DATE,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: inst.base,
    quoteAsset: inst.quote,
    marginAsset: inst.quote,
    pricePrecision: inst.priceDecimals,
    quantityPrecision: inst.amountDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: priceText(inst, 10_000_000), tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: qtyText(inst, inst.step * 1e6), stepSize: step },
      { filterType: 'MARKET_LOT_SIZE', minQty: step, maxQty: qtyText(inst, inst.step * 1e5), stepSize: step },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: String(inst.minNotional) },
      {
        filterType: 'PERCENT_PRICE',
        multiplierUp: '1.0500',
        multiplierDown: '0.9500',
        multiplierDecimal: '4',
      },
    ],
    orderTypes: [
      'LIMIT',
      'MARKET',
      'STOP',
      'STOP_MARKET',
      'TAKE_PROFIT',
      'TAKE_PROFIT_MARKET',
      'TRAILING_STOP_MARKET',
    ],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    permissionSets: ['GRID', 'COPY'],
  };
}
