// The private side of the loopback Binance: orders with Binance's validation and error codes, account and position
// views, listen keys, and the user data stream (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE) driven by SimExchange.onAccount.
import { randomBytes } from 'node:crypto';
import { roundPrice } from '../../source/core/instrument.ts';
import { ZERO, abs, div, fx, mul, type Fixed } from '../../source/core/money.ts';
import type { Faults } from './faults.ts';
import { OrderRejected, type AccountEvent, type VenueFill, type VenueOrder } from './sim-exchange.ts';
import { VENUE, type BinanceMarket, type SymbolInfo } from './binance-market.ts';
import { reportOnce, type StreamHub } from './binance-streams.ts';
import {
  BinanceError,
  decimalParam,
  intParam,
  invalidSymbol,
  missingParam,
  money,
  onGrid,
  priceText,
  qtyText,
} from './binance-wire.ts';

/** The account's own fee rates (/fapi/v1/commissionRate): a VIP tier, better than the market's default 2/5 bp. */
export const ACCOUNT_FEE_RATES = { maker: '0.00018', taker: '0.00045' } as const;
const DEFAULT_LEVERAGE = 20;
const MAINT_MARGIN_RATE = '0.004';
/** Market orders take the book up to this far from the touch, Binance's marketTakeBound. */
const MARKET_TAKE_BOUND = 0.05;
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

type OrderType = 'LIMIT' | 'MARKET';
type BinanceTif = 'GTC' | 'IOC' | 'FOK' | 'GTX';

interface OrderMeta {
  account: string;
  clientOrderId: string;
  info: SymbolInfo;
  type: OrderType;
  tif: BinanceTif;
  /** NEW has gone out on the user stream. */
  announced: boolean;
  cumQty: Fixed;
  cumQuote: Fixed;
}

interface PositionTrack {
  qty: Fixed;
  cost: Fixed;
  realized: Fixed;
}

interface AccountView {
  wallet: Fixed;
  unrealized: Fixed;
  positionIM: Fixed;
  openOrderIM: Fixed;
  maint: Fixed;
  available: Fixed;
  positions: {
    info: SymbolInfo;
    qty: Fixed;
    entry: Fixed;
    mark: Fixed;
    notional: Fixed;
    unrealized: Fixed;
    im: Fixed;
    maint: Fixed;
  }[];
}

export class BinanceAccounts {
  private readonly meta = new Map<string, OrderMeta>();
  private readonly orderIds = new Map<string, number[]>();
  private readonly tracks = new Map<string, PositionTrack>();
  private readonly realizedByTrade = new Map<number, Fixed>();
  private readonly leverage = new Map<string, number>();
  private readonly updated = new Map<string, number>();
  private readonly listenKeys = new Map<string, string>();
  private readonly keyOfAccount = new Map<string, string>();
  private readonly offAccount: () => void;

  constructor(
    private readonly market: BinanceMarket,
    private readonly hub: StreamHub,
    private readonly faults: Faults,
  ) {
    market.exchange.setAccountFees(VENUE, ACCOUNT_FEE_RATES);
    this.offAccount = market.exchange.onAccount((venue, account, ev) => {
      if (venue !== VENUE) return;
      // Called from inside the matching engine: a failure to report must not unwind a fill.
      try {
        this.onAccountEvent(account, ev);
      } catch (e) {
        reportOnce(e);
      }
    });
  }

  close(): void {
    this.offAccount();
  }

  // ---- listen keys -------------------------------------------------------------------------------------------

  /** Binance returns the account's active key (extending it) rather than a second one. */
  createListenKey(account: string): { listenKey: string } {
    let key = this.keyOfAccount.get(account);
    if (!key) {
      key = randomBytes(32).toString('hex');
      this.keyOfAccount.set(account, key);
      this.listenKeys.set(key, account);
    }
    return { listenKey: key };
  }

  keepAliveListenKey(account: string): { listenKey: string } {
    const key = this.keyOfAccount.get(account);
    if (!key) throw new BinanceError(400, -1125, 'This listenKey does not exist.');
    return { listenKey: key };
  }

  deleteListenKey(account: string): Record<string, never> {
    const key = this.keyOfAccount.get(account);
    if (key) {
      this.keyOfAccount.delete(account);
      this.listenKeys.delete(key);
      this.hub.closeUser(key);
    }
    return {};
  }

  accountOfListenKey(key: string): string | undefined {
    return this.listenKeys.get(key);
  }

  // ---- orders ------------------------------------------------------------------------------------------------

  placeOrder(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const { inst } = info;
    const sideParam = params.get('side');
    if (!sideParam) throw missingParam('side');
    if (sideParam !== 'BUY' && sideParam !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.');
    const side = sideParam === 'BUY' ? 'buy' : 'sell';
    const typeParam = params.get('type');
    if (!typeParam) throw missingParam('type');
    if (
      ['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'].includes(typeParam)
    )
      throw new BinanceError(
        400,
        -4120,
        'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
      );
    if (typeParam !== 'LIMIT' && typeParam !== 'MARKET')
      throw new BinanceError(400, -1116, 'Invalid orderType.');
    const type: OrderType = typeParam;
    const positionSide = params.get('positionSide');
    if (positionSide && positionSide !== 'BOTH')
      throw new BinanceError(400, -4061, "Order's position side does not match user's setting.");
    if (params.get('closePosition') === 'true')
      throw new BinanceError(400, -4136, 'Target strategy invalid for orderType MARKET,closePosition true');

    let qty = decimalParam(params, 'quantity');
    if (qty === undefined) throw missingParam('quantity');
    if (qty <= 0) throw new BinanceError(400, -4003, 'Quantity less than or equal to zero.');
    if (!onGrid(qty, inst.step))
      throw new BinanceError(400, -1111, 'Precision is over the maximum defined for this asset.');
    if (qty > inst.step * 1e6) throw new BinanceError(400, -4005, 'Quantity greater than max quantity.');

    const book = this.market.book(info);
    const mark = this.market.markPrice(info);
    let tif: BinanceTif;
    let price: number;
    if (type === 'LIMIT') {
      const tifParam = params.get('timeInForce');
      if (!tifParam) throw missingParam('timeInForce');
      if (tifParam !== 'GTC' && tifParam !== 'IOC' && tifParam !== 'FOK' && tifParam !== 'GTX')
        throw new BinanceError(400, -1115, 'Invalid timeInForce.');
      tif = tifParam;
      const p = decimalParam(params, 'price');
      if (p === undefined) throw missingParam('price');
      if (p <= 0) throw new BinanceError(400, -4001, 'Price less than 0.');
      if (!onGrid(p, inst.tick)) throw new BinanceError(400, -4014, 'Price not increased by tick size.');
      if (mark > 0 && side === 'buy' && p > mark * (1 + MARKET_TAKE_BOUND))
        throw new BinanceError(
          400,
          -4016,
          `Limit price can't be higher than ${priceText(inst, roundPrice(inst, mark * (1 + MARKET_TAKE_BOUND), 'down'))}.`,
        );
      if (mark > 0 && side === 'sell' && p < mark * (1 - MARKET_TAKE_BOUND))
        throw new BinanceError(
          400,
          -4024,
          `Limit price can't be lower than ${priceText(inst, roundPrice(inst, mark * (1 - MARKET_TAKE_BOUND), 'up'))}.`,
        );
      price = p;
    } else {
      if (params.get('price') !== null)
        throw new BinanceError(400, -1106, "Parameter 'price' sent when not required.");
      if (!book.ready) throw new BinanceError(400, -2010, 'NEW_ORDER_REJECTED: the book is empty.');
      // Binance shows market orders as GTC; they take what the book has within the bound and the rest expires.
      tif = 'GTC';
      // The worst price a market order may reach: the touch ± the take bound.
      price =
        side === 'buy'
          ? roundPrice(inst, book.bestAsk * (1 + MARKET_TAKE_BOUND), 'down')
          : roundPrice(inst, book.bestBid * (1 - MARKET_TAKE_BOUND), 'up');
    }

    const clientOrderId =
      params.get('newClientOrderId') ?? `loopback_${randomBytes(9).toString('base64url')}`;
    if (!CLIENT_ORDER_ID.test(clientOrderId))
      throw new BinanceError(400, -4015, 'Client order id is not valid.');

    const reduceOnly = params.get('reduceOnly') === 'true';
    if (reduceOnly) {
      // One-way mode: a reduce-only order may only shrink the position, and never by more than it holds.
      const pos = this.position(account, info);
      const reduces = side === 'buy' ? pos < 0 : pos > 0;
      if (!reduces) throw new BinanceError(400, -2022, 'ReduceOnly Order is rejected.');
      qty = Math.min(qty, Math.abs(pos));
    }

    const touch = side === 'buy' ? book.bestAsk : book.bestBid;
    const notionalPrice = type === 'LIMIT' ? price : Number.isFinite(touch) ? touch : mark;
    if (!reduceOnly && qty * notionalPrice < inst.minNotional) throw notionalError(inst.minNotional);
    // Cross margin: a new order needs its initial margin free; reducing a position needs none.
    if (!reduceOnly) {
      const needed = fx(((qty * notionalPrice) / this.leverageOf(account, info)).toFixed(8));
      if (needed > this.view(account).available)
        throw new BinanceError(400, -2019, 'Margin is insufficient.');
    }
    if (tif === 'FOK' && book.depthWithin(side, price) + 1e-12 < qty)
      throw new BinanceError(
        400,
        -5021,
        'Due to the order could not be filled immediately, the FOK order has been rejected.',
      );
    if (this.faults.takeReject()) throw new BinanceError(400, -2010, 'NEW_ORDER_REJECTED');

    const key = metaKey(account, clientOrderId);
    if (this.meta.has(key)) throw new BinanceError(400, -4116, 'ClientOrderId is duplicated.');
    const meta: OrderMeta = {
      account,
      clientOrderId,
      info,
      type,
      tif,
      announced: false,
      cumQty: ZERO,
      cumQuote: ZERO,
    };
    this.meta.set(key, meta);
    let placed: VenueOrder;
    try {
      placed = this.market.exchange.placeOrder(VENUE, account, {
        symbol: inst.symbol,
        side,
        qty,
        price,
        tif: tif === 'GTX' ? 'ALO' : tif === 'GTC' && type === 'LIMIT' ? 'GTC' : 'IOC',
        clientOrderId,
        reduceOnly,
      });
    } catch (e) {
      this.meta.delete(key);
      if (e instanceof OrderRejected) throw rejection(e.message, inst.minNotional);
      throw e;
    }
    let ids = this.orderIds.get(account);
    if (!ids) this.orderIds.set(account, (ids = []));
    ids.push(placed.orderId);
    return this.orderJson(placed);
  }

  /** DELETE /fapi/v1/order: Binance answers -2011 for unknown orders and for orders already done. */
  cancelOrder(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const order = this.findOrder(account, info, params);
    if (!order || isDone(order)) throw new BinanceError(400, -2011, 'Unknown order sent.');
    const after = this.market.exchange.cancelOrder(VENUE, account, { orderId: order.orderId }) ?? order;
    return this.orderJson(after);
  }

  cancelAllOrders(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    for (const o of this.market.exchange.openOrders(VENUE, account, info.inst.symbol))
      this.market.exchange.cancelOrder(VENUE, account, { orderId: o.orderId });
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  }

  getOrder(account: string, params: URLSearchParams, openOnly: boolean): unknown {
    const info = this.market.requireSymbol(params);
    const order = this.findOrder(account, info, params);
    if (!order || (openOnly && isDone(order))) throw new BinanceError(400, -2013, 'Order does not exist.');
    return this.orderJson(order);
  }

  openOrders(account: string, params: URLSearchParams): unknown {
    const { one, list } = this.market.optionalSymbols(params);
    const orders = this.market.exchange.openOrders(VENUE, account, one ? list[0].inst.symbol : undefined);
    return orders.map((o) => this.orderJson(o));
  }

  allOrders(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const fromId = intParam(params, 'orderId') ?? 0;
    const start = intParam(params, 'startTime') ?? 0;
    const end = intParam(params, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    const limit = Math.min(intParam(params, 'limit') ?? 500, 1000);
    const out: unknown[] = [];
    for (const id of this.orderIds.get(account) ?? []) {
      if (id < fromId) continue;
      const o = this.market.exchange.order(VENUE, account, { orderId: id });
      if (o && o.symbol === info.inst.symbol && o.createdAt >= start && o.createdAt <= end)
        out.push(this.orderJson(o));
    }
    return out.slice(0, limit);
  }

  userTrades(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const orderId = intParam(params, 'orderId');
    const fromId = intParam(params, 'fromId');
    const start = intParam(params, 'startTime') ?? 0;
    const end = intParam(params, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    const limit = Math.min(intParam(params, 'limit') ?? 500, 1000);
    let fills = this.market.exchange
      .fills(VENUE, account)
      .filter(
        (f) =>
          f.symbol === info.inst.symbol &&
          f.ts >= start &&
          f.ts <= end &&
          (orderId === undefined || f.orderId === orderId) &&
          (fromId === undefined || f.tradeId >= fromId),
      );
    fills = fromId !== undefined ? fills.slice(0, limit) : fills.slice(-limit);
    return fills.map((f) => ({
      buyer: f.side === 'buy',
      commission: money(fx(f.fee)),
      commissionAsset: f.feeCurrency,
      id: f.tradeId,
      maker: f.liquidity === 'maker',
      orderId: f.orderId,
      price: priceText(info.inst, Number(f.price)),
      qty: qtyText(info.inst, Number(f.qty)),
      quoteQty: money(mul(fx(f.qty), fx(f.price))),
      realizedPnl: money(this.realizedByTrade.get(f.tradeId) ?? ZERO),
      marginAsset: info.inst.quote,
      side: f.side === 'buy' ? 'BUY' : 'SELL',
      positionSide: 'BOTH',
      symbol: info.id,
      time: f.ts,
    }));
  }

  // ---- account views -----------------------------------------------------------------------------------------

  commissionRate(params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    return {
      symbol: info.id,
      makerCommissionRate: ACCOUNT_FEE_RATES.maker,
      takerCommissionRate: ACCOUNT_FEE_RATES.taker,
      rpiCommissionRate: '0.00010',
    };
  }

  accountConfig(): unknown {
    return {
      feeTier: 0,
      canTrade: true,
      canDeposit: true,
      canWithdraw: true,
      dualSidePosition: false,
      updateTime: 0,
      multiAssetsMargin: false,
      tradeGroupId: -1,
    };
  }

  symbolConfig(account: string, params: URLSearchParams): unknown {
    const { list } = this.market.optionalSymbols(params);
    return list.map((s) => ({
      symbol: s.id,
      marginType: 'CROSSED',
      isAutoAddMargin: false,
      leverage: this.leverageOf(account, s),
      maxNotionalValue: maxNotional(this.leverageOf(account, s)),
    }));
  }

  setLeverage(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const lev = intParam(params, 'leverage');
    if (lev === undefined) throw missingParam('leverage');
    if (lev < 1 || lev > 125) throw new BinanceError(400, -4028, `Leverage ${lev} is not valid`);
    this.leverage.set(metaKey(account, info.id), lev);
    return { leverage: lev, maxNotionalValue: maxNotional(lev), symbol: info.id };
  }

  setMarginType(params: URLSearchParams): unknown {
    this.market.requireSymbol(params);
    const t = params.get('marginType');
    if (!t) throw missingParam('marginType');
    if (t === 'CROSSED') throw new BinanceError(400, -4046, 'No need to change margin type.');
    if (t === 'ISOLATED') throw new BinanceError(400, -4168, 'The loopback venue trades cross margin only.');
    throw new BinanceError(
      400,
      -1100,
      "Illegal characters found in parameter 'marginType'; legal range is 'ISOLATED, CROSSED'.",
    );
  }

  setDualSide(params: URLSearchParams): unknown {
    const v = params.get('dualSidePosition');
    if (v === null) throw missingParam('dualSidePosition');
    if (v === 'false') throw new BinanceError(400, -4059, 'No need to change position side.');
    throw new BinanceError(400, -4068, 'The loopback venue supports one-way mode (positionSide BOTH) only.');
  }

  leverageBrackets(params: URLSearchParams): unknown {
    const { list } = this.market.optionalSymbols(params);
    const tiers: [number, number, number, string, number][] = [
      [125, 0, 50_000, '0.004', 0],
      [100, 50_000, 600_000, '0.005', 50],
      [75, 600_000, 3_000_000, '0.0065', 950],
      [50, 3_000_000, 12_000_000, '0.01', 11_450],
      [25, 12_000_000, 70_000_000, '0.02', 131_450],
    ];
    return list.map((s) => ({
      symbol: s.id,
      notionalCoef: 1.0,
      brackets: tiers.map(([initialLeverage, notionalFloor, notionalCap, maintMarginRatio, cum], i) => ({
        bracket: i + 1,
        initialLeverage,
        notionalCap,
        notionalFloor,
        maintMarginRatio: Number(maintMarginRatio),
        cum,
      })),
    }));
  }

  /** /fapi/v2/account and /fapi/v3/account. */
  account(account: string, version: 2 | 3): unknown {
    const v = this.view(account);
    const quote = this.quote();
    const updateTime = this.updateTime(account);
    const totals = {
      totalInitialMargin: money(v.positionIM + v.openOrderIM),
      totalMaintMargin: money(v.maint),
      totalWalletBalance: money(v.wallet),
      totalUnrealizedProfit: money(v.unrealized),
      totalMarginBalance: money(v.wallet + v.unrealized),
      totalPositionInitialMargin: money(v.positionIM),
      totalOpenOrderInitialMargin: money(v.openOrderIM),
      totalCrossWalletBalance: money(v.wallet),
      totalCrossUnPnl: money(v.unrealized),
      availableBalance: money(v.available),
      maxWithdrawAmount: money(v.available < v.wallet ? v.available : v.wallet),
    };
    const asset = {
      asset: quote,
      walletBalance: money(v.wallet),
      unrealizedProfit: money(v.unrealized),
      marginBalance: money(v.wallet + v.unrealized),
      maintMargin: money(v.maint),
      initialMargin: money(v.positionIM + v.openOrderIM),
      positionInitialMargin: money(v.positionIM),
      openOrderInitialMargin: money(v.openOrderIM),
      crossWalletBalance: money(v.wallet),
      crossUnPnl: money(v.unrealized),
      availableBalance: money(v.available),
      maxWithdrawAmount: totals.maxWithdrawAmount,
      ...(version === 2 ? { marginAvailable: true } : {}),
      updateTime,
    };
    const byId = new Map(v.positions.map((p) => [p.info.id, p]));
    const positionRows = (version === 3 ? v.positions.map((p) => p.info) : this.market.symbols).map((s) => {
      const p = byId.get(s.id);
      const lev = this.leverageOf(account, s);
      return {
        symbol: s.id,
        positionSide: 'BOTH',
        positionAmt: qtyText(s.inst, p ? Number(money(p.qty)) : 0),
        unrealizedProfit: money(p?.unrealized ?? ZERO),
        isolatedMargin: '0',
        notional: money(p?.notional ?? ZERO),
        isolatedWallet: '0',
        initialMargin: money(p?.im ?? ZERO),
        maintMargin: money(p?.maint ?? ZERO),
        updateTime: p ? updateTime : 0,
        ...(version === 2
          ? {
              leverage: String(lev),
              entryPrice: money(p?.entry ?? ZERO),
              maxNotional: maxNotional(lev),
              positionInitialMargin: money(p?.im ?? ZERO),
              openOrderInitialMargin: '0',
              isolated: false,
              bidNotional: '0',
              askNotional: '0',
            }
          : {}),
      };
    });
    return {
      ...(version === 2
        ? {
            feeTier: 0,
            feeBurn: false,
            canTrade: true,
            canDeposit: true,
            canWithdraw: true,
            updateTime: 0,
            multiAssetsMargin: false,
            tradeGroupId: -1,
          }
        : {}),
      ...totals,
      assets: [asset],
      positions: positionRows,
    };
  }

  balance(account: string): unknown {
    const v = this.view(account);
    return [
      {
        accountAlias: 'SgsR',
        asset: this.quote(),
        balance: money(v.wallet),
        crossWalletBalance: money(v.wallet),
        crossUnPnl: money(v.unrealized),
        availableBalance: money(v.available),
        maxWithdrawAmount: money(v.available < v.wallet ? v.available : v.wallet),
        marginAvailable: true,
        updateTime: this.updateTime(account),
      },
    ];
  }

  /** /fapi/v2/positionRisk lists every symbol; v3 only those with a position. */
  positionRisk(account: string, params: URLSearchParams, version: 2 | 3): unknown {
    const { list } = this.market.optionalSymbols(params);
    const v = this.view(account);
    const byId = new Map(v.positions.map((p) => [p.info.id, p]));
    const rows = version === 3 ? list.filter((s) => byId.has(s.id)) : list;
    return rows.map((s) => {
      const p = byId.get(s.id);
      const lev = this.leverageOf(account, s);
      const mark = p ? p.mark : fx(priceText(s.inst, this.market.markPrice(s)));
      const base = {
        symbol: s.id,
        positionSide: 'BOTH',
        positionAmt: p ? qtyText(s.inst, Number(money(p.qty))) : qtyText(s.inst, 0),
        entryPrice: money(p?.entry ?? ZERO),
        breakEvenPrice: money(p?.entry ?? ZERO),
        markPrice: money(mark),
        unRealizedProfit: money(p?.unrealized ?? ZERO),
        liquidationPrice: '0',
        isolatedMargin: '0',
        notional: money(p?.notional ?? ZERO),
        isolatedWallet: '0',
        updateTime: p ? this.updateTime(account) : 0,
      };
      if (version === 2)
        return {
          ...base,
          marginType: 'cross',
          isAutoAddMargin: 'false',
          leverage: String(lev),
          maxNotionalValue: maxNotional(lev),
        };
      return {
        ...base,
        marginAsset: s.inst.quote,
        initialMargin: money(p?.im ?? ZERO),
        maintMargin: money(p?.maint ?? ZERO),
        positionInitialMargin: money(p?.im ?? ZERO),
        openOrderInitialMargin: '0',
        adl: 0,
        bidNotional: '0',
        askNotional: '0',
      };
    });
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private quote(): string {
    return this.market.symbols[0]?.inst.quote ?? 'USDT';
  }

  private updateTime(account: string): number {
    let t = this.updated.get(account);
    if (t === undefined) this.updated.set(account, (t = Date.now()));
    return t;
  }

  private leverageOf(account: string, info: SymbolInfo): number {
    return this.leverage.get(metaKey(account, info.id)) ?? DEFAULT_LEVERAGE;
  }

  /** Signed position size as a float, for reduce-only checks. */
  private position(account: string, info: SymbolInfo): number {
    const p = this.market.exchange.positions(VENUE, account).find((x) => x.symbol === info.inst.symbol);
    return p ? Number(money(p.qty)) : 0;
  }

  /** Wallet, margins and positions of a cross-margin account, marked at the venue's mark price. */
  private view(account: string): AccountView {
    const ex = this.market.exchange;
    const quote = this.quote();
    const cash = ex.balances(VENUE, account).get(quote) ?? ZERO;
    let wallet = cash;
    let unrealized = ZERO;
    let positionIM = ZERO;
    let maint = ZERO;
    const positions: AccountView['positions'] = [];
    for (const p of ex.positions(VENUE, account)) {
      const info = this.market.bySimSymbol(p.symbol);
      if (!info) continue;
      const cost = mul(p.qty, p.entry);
      // Perp cash: the ledger keeps spot-like cash (paid out the cost); the futures wallet holds it back.
      wallet += cost;
      const mark = fx(priceText(info.inst, this.market.markPrice(info)));
      const notional = mul(p.qty, mark);
      const up = notional - cost;
      const im = div(abs(notional), fx(this.leverageOf(account, info)));
      const mm = mul(abs(notional), fx(MAINT_MARGIN_RATE));
      unrealized += up;
      positionIM += im;
      maint += mm;
      positions.push({ info, qty: p.qty, entry: p.entry, mark, notional, unrealized: up, im, maint: mm });
    }
    let openOrderIM = ZERO;
    for (const o of ex.openOrders(VENUE, account)) {
      const info = this.market.bySimSymbol(o.symbol);
      if (!info) continue;
      const remaining = fx(qtyText(info.inst, o.qty - o.filledQty));
      openOrderIM += div(
        mul(remaining, fx(priceText(info.inst, o.price))),
        fx(this.leverageOf(account, info)),
      );
    }
    const free = wallet + unrealized - positionIM - openOrderIM;
    return {
      wallet,
      unrealized,
      positionIM,
      openOrderIM,
      maint,
      available: free > ZERO ? free : ZERO,
      positions,
    };
  }

  private findOrder(account: string, info: SymbolInfo, params: URLSearchParams): VenueOrder | undefined {
    const orderId = intParam(params, 'orderId');
    const clientOrderId = params.get('origClientOrderId') ?? undefined;
    if (orderId === undefined && clientOrderId === undefined)
      throw new BinanceError(
        400,
        -1102,
        "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
      );
    const o = this.market.exchange.order(
      VENUE,
      account,
      orderId !== undefined ? { orderId } : { clientOrderId },
    );
    return o && o.symbol === info.inst.symbol ? o : undefined;
  }

  private metaOf(account: string, o: VenueOrder): OrderMeta {
    const key = metaKey(account, o.clientOrderId);
    let m = this.meta.get(key);
    if (!m) {
      // An order placed on the SimExchange directly, not through this server.
      const info = this.market.bySimSymbol(o.symbol);
      if (!info) throw invalidSymbol();
      m = {
        account,
        clientOrderId: o.clientOrderId,
        info,
        type: 'LIMIT',
        tif: o.tif === 'ALO' ? 'GTX' : o.tif,
        announced: false,
        cumQty: ZERO,
        cumQuote: ZERO,
      };
      this.meta.set(key, m);
    }
    return m;
  }

  private statusOf(o: VenueOrder, meta: OrderMeta): string {
    switch (o.status) {
      case 'pending':
      case 'open':
        return 'NEW';
      case 'partially_filled':
        return 'PARTIALLY_FILLED';
      case 'filled':
        return 'FILLED';
      case 'rejected':
        return 'REJECTED';
      case 'cancelled':
        return meta.tif === 'IOC' || meta.tif === 'FOK' || meta.type === 'MARKET' ? 'EXPIRED' : 'CANCELED';
    }
  }

  private orderJson(o: VenueOrder): unknown {
    const meta = this.metaOf(o.account, o);
    const { inst } = meta.info;
    const filled = meta.cumQty > ZERO ? meta.cumQty : fx(qtyText(inst, o.filledQty));
    const quote = meta.cumQty > ZERO ? meta.cumQuote : fx(o.filledNotional.toFixed(8));
    return {
      orderId: o.orderId,
      symbol: meta.info.id,
      status: this.statusOf(o, meta),
      clientOrderId: o.clientOrderId,
      price: meta.type === 'MARKET' ? '0' : priceText(inst, o.price),
      avgPrice: filled > ZERO ? money(div(quote, filled)) : '0.00000',
      origQty: qtyText(inst, o.qty),
      executedQty: qtyText(inst, Number(money(filled))),
      cumQty: qtyText(inst, Number(money(filled))),
      cumQuote: money(quote),
      timeInForce: meta.tif,
      type: meta.type,
      reduceOnly: o.reduceOnly,
      closePosition: false,
      side: o.side === 'buy' ? 'BUY' : 'SELL',
      positionSide: 'BOTH',
      stopPrice: '0',
      workingType: 'CONTRACT_PRICE',
      priceProtect: false,
      origType: meta.type,
      priceMatch: 'NONE',
      selfTradePreventionMode: 'EXPIRE_MAKER',
      goodTillDate: 0,
      time: o.createdAt,
      updateTime: o.updatedAt,
    };
  }

  // ---- user data stream --------------------------------------------------------------------------------------

  private onAccountEvent(account: string, ev: AccountEvent): void {
    this.updated.set(account, Date.now());
    if (ev.type === 'fill') {
      const f = ev.fill;
      const realized = this.track(account, f);
      this.realizedByTrade.set(f.tradeId, realized);
      const o = this.market.exchange.order(VENUE, account, { clientOrderId: f.clientOrderId });
      if (!o) return;
      const meta = this.metaOf(account, o);
      this.announce(o, meta);
      meta.cumQty += fx(f.qty);
      meta.cumQuote += mul(fx(f.qty), fx(f.price));
      const full = meta.cumQty >= fx(qtyText(meta.info.inst, o.qty));
      this.publishOrder(o, meta, 'TRADE', full ? 'FILLED' : 'PARTIALLY_FILLED', f.ts, f, realized);
      this.publishAccountUpdate(account, meta.info, f.ts);
      return;
    }
    const o = ev.order;
    if (o.status === 'rejected') {
      // Rejections answer the REST request; Binance puts nothing on the user stream for them.
      this.meta.delete(metaKey(account, o.clientOrderId));
      return;
    }
    const meta = this.metaOf(account, o);
    this.announce(o, meta);
    if (o.status === 'cancelled') {
      const x = this.statusOf(o, meta);
      this.publishOrder(o, meta, x, x, o.updatedAt);
    }
  }

  /** Binance reports every order as NEW before anything else happens to it. */
  private announce(o: VenueOrder, meta: OrderMeta): void {
    if (meta.announced) return;
    meta.announced = true;
    this.publishOrder(o, meta, 'NEW', 'NEW', o.createdAt);
  }

  private publishOrder(
    o: VenueOrder,
    meta: OrderMeta,
    x: string,
    X: string,
    ts: number,
    fill?: VenueFill,
    realized?: Fixed,
  ): void {
    if (!this.hub.hasUserConnections(meta.account)) return;
    const { inst } = meta.info;
    const type = meta.type;
    this.hub.publishUser(meta.account, {
      e: 'ORDER_TRADE_UPDATE',
      E: Date.now(),
      T: ts,
      o: {
        s: meta.info.id,
        c: o.clientOrderId,
        S: o.side === 'buy' ? 'BUY' : 'SELL',
        o: type,
        f: meta.tif,
        q: qtyText(inst, o.qty),
        p: type === 'MARKET' ? '0' : priceText(inst, o.price),
        ap: meta.cumQty > ZERO ? money(div(meta.cumQuote, meta.cumQty)) : '0',
        sp: '0',
        x,
        X,
        i: o.orderId,
        l: fill ? qtyText(inst, Number(fill.qty)) : '0',
        z: qtyText(inst, Number(money(meta.cumQty))),
        L: fill ? priceText(inst, Number(fill.price)) : '0',
        ...(fill ? { N: fill.feeCurrency, n: money(fx(fill.fee)) } : {}),
        T: ts,
        t: fill ? fill.tradeId : 0,
        b: '0',
        a: '0',
        m: fill ? fill.liquidity === 'maker' : false,
        R: o.reduceOnly,
        wt: 'CONTRACT_PRICE',
        ot: type,
        ps: 'BOTH',
        cp: false,
        rp: money(realized ?? ZERO),
        pP: false,
        si: 0,
        ss: 0,
        V: 'EXPIRE_MAKER',
        pm: 'NONE',
        gtd: 0,
      },
    });
  }

  private publishAccountUpdate(account: string, info: SymbolInfo, ts: number): void {
    if (!this.hub.hasUserConnections(account)) return;
    const v = this.view(account);
    const p = v.positions.find((x) => x.info.id === info.id);
    const t = this.tracks.get(metaKey(account, info.id));
    this.hub.publishUser(account, {
      e: 'ACCOUNT_UPDATE',
      E: Date.now(),
      T: ts,
      a: {
        m: 'ORDER',
        B: [{ a: this.quote(), wb: money(v.wallet), cw: money(v.wallet), bc: '0' }],
        P: [
          {
            s: info.id,
            pa: p ? qtyText(info.inst, Number(money(p.qty))) : qtyText(info.inst, 0),
            ep: money(p?.entry ?? ZERO),
            bep: money(p?.entry ?? ZERO),
            cr: money(t?.realized ?? ZERO),
            up: money(p?.unrealized ?? ZERO),
            mt: 'cross',
            iw: '0',
            ps: 'BOTH',
            ma: info.inst.quote,
          },
        ],
      },
    });
  }

  /** Realized PnL of one fill, booked the way the ledger books it (close the open side first, then open). */
  private track(account: string, f: VenueFill): Fixed {
    const info = this.market.bySimSymbol(f.symbol);
    const key = metaKey(account, info?.id ?? f.symbol);
    let t = this.tracks.get(key);
    if (!t) this.tracks.set(key, (t = { qty: ZERO, cost: ZERO, realized: ZERO }));
    const qty = fx(f.qty);
    const price = fx(f.price);
    const signed = f.side === 'buy' ? qty : -qty;
    let remaining = signed;
    let realized = ZERO;
    if (t.qty !== ZERO && t.qty > ZERO !== signed > ZERO) {
      const closing = abs(signed) < abs(t.qty) ? signed : -t.qty;
      const removed = closing === -t.qty ? t.cost : div(mul(t.cost, abs(closing)), abs(t.qty));
      realized = -mul(closing, price) - removed;
      t.cost -= removed;
      t.qty += closing;
      remaining -= closing;
    }
    if (remaining !== ZERO) {
      t.cost += mul(remaining, price);
      t.qty += remaining;
    }
    t.realized += realized;
    return realized;
  }
}

function metaKey(account: string, id: string): string {
  return `${account}|${id}`;
}

function isDone(o: VenueOrder): boolean {
  return o.status === 'filled' || o.status === 'cancelled' || o.status === 'rejected';
}

function maxNotional(leverage: number): string {
  return leverage > 100
    ? '50000'
    : leverage > 75
      ? '600000'
      : leverage > 50
        ? '3000000'
        : leverage > 25
          ? '12000000'
          : '70000000';
}

function notionalError(minNotional: number): BinanceError {
  return new BinanceError(
    400,
    -4164,
    `Order's notional must be no smaller than ${minNotional} (unless you choose reduce only).`,
  );
}

/** The matching engine's reason, as the Binance error that says the same. */
function rejection(reason: string, minNotional: number): BinanceError {
  if (/post-only/i.test(reason))
    return new BinanceError(
      400,
      -5022,
      'Due to the order could not be executed as maker, the Post Only order will be rejected.',
    );
  if (/notional/i.test(reason)) return notionalError(minNotional);
  if (/duplicate client order id/i.test(reason))
    return new BinanceError(400, -4116, 'ClientOrderId is duplicated.');
  if (/not on step/i.test(reason))
    return new BinanceError(400, -1111, 'Precision is over the maximum defined for this asset.');
  if (/unknown symbol/i.test(reason)) return invalidSymbol();
  return new BinanceError(400, -2010, `NEW_ORDER_REJECTED: ${reason}`);
}
