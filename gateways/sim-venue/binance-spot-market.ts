// The loopback Binance spot market: spot instruments mirrored off the simulated Binance perp books (zero basis), and
// the public /api/v3 answers in spot's shapes (exchangeInfo filters, depth, bookTicker).
import type { Instrument } from '../../source/core/instrument.ts';
import type { BinanceMarket, SymbolInfo } from './binance-market.ts';

/** Our name for the loopback spot venue, in the SimExchange and in `tradedesk sim-venue`'s first line. */
export const SPOT_VENUE = 'binance-spot';
/** The perp venue whose books and trades the spot books mirror. */
export const SPOT_SOURCE_VENUE = 'binance';
/** Binance spot's NOTIONAL filter on the USDT pairs. */
const SPOT_MIN_NOTIONAL = 5;
/** Binance spot's base-tier fees, the market default ccxt also assumes. */
const SPOT_DEFAULT_FEE = '0.001';
const DEPTH_LIMIT_MAX = 5000;

/** The spot twin of a simulated perp: BTC/USDT:USDT → BTC/USDT, the perp's tick and step, spot's notional and fees. */
export function spotInstrument(perp: Instrument): Instrument {
  return {
    ...perp,
    venue: SPOT_VENUE,
    symbol: `${perp.base}/${perp.quote}`,
    minNotional: SPOT_MIN_NOTIONAL,
    makerFee: SPOT_DEFAULT_FEE,
    takerFee: SPOT_DEFAULT_FEE,
    // Spot holds the asset itself: nothing is ever paid or received for holding it.
    fundingIntervalHours: 0,
  };
}

/** Binance spot writes every price, size and balance with 8 decimals. */
export function spot8(n: number): string {
  return n.toFixed(8);
}

export function spotExchangeInfo(market: BinanceMarket): unknown {
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: market.symbols.map(spotSymbolJson),
  };
}

function spotSymbolJson(s: SymbolInfo): unknown {
  const { inst } = s;
  return {
    symbol: s.id,
    status: 'TRADING',
    baseAsset: inst.base,
    baseAssetPrecision: 8,
    quoteAsset: inst.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: spot8(inst.tick),
        maxPrice: spot8(1_000_000),
        tickSize: spot8(inst.tick),
      },
      { filterType: 'LOT_SIZE', minQty: spot8(inst.step), maxQty: spot8(9_000), stepSize: spot8(inst.step) },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: spot8(0),
        maxQty: spot8(inst.step * 1e5),
        stepSize: spot8(0),
      },
      {
        filterType: 'NOTIONAL',
        minNotional: spot8(inst.minNotional),
        applyMinToMarket: true,
        maxNotional: spot8(9_000_000),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** GET /api/v3/depth: lastUpdateId and the levels, nothing else (spot has no E/T here); limit up to 5000. */
export function spotDepth(market: BinanceMarket, info: SymbolInfo, limit: number | undefined): unknown {
  const { lastUpdateId, bids, asks } = market.depth(info, Math.min(limit ?? 100, DEPTH_LIMIT_MAX)) as {
    lastUpdateId: number;
    bids: unknown;
    asks: unknown;
  };
  return { lastUpdateId, bids, asks };
}

export function spotBookTicker(market: BinanceMarket, info: SymbolInfo): unknown {
  const { symbol, bidPrice, bidQty, askPrice, askQty } = market.bookTicker(info) as Record<string, unknown>;
  return { symbol, bidPrice, bidQty, askPrice, askQty };
}
