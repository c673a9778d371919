// The loopback Bybit's private side: a unified trading account (UTA 2.0) with orders validated as Bybit validates them,
// wallet and position views, and the private pushes (order, execution, position, wallet) driven by SimExchange.onAccount.
import { randomBytes } from 'node:crypto';
import { roundPrice } from '../../source/core/instrument.ts';
import { ZERO, abs, div, fmt, fx, mul, type Fixed } from '../../source/core/money.ts';
import type { Faults } from './faults.ts';
import { OrderRejected, type AccountEvent, type VenueFill, type VenueOrder } from './sim-exchange.ts';
import { BYBIT_ACCOUNT_FEE_RATES, BYBIT_VENUE, type BybitMarket, type BybitSymbol } from './bybit-market.ts';
import { reportOnce, type BybitStreams } from './bybit-streams.ts';
import { BybitError, paramError } from './bybit-wire.ts';

/** Bybit's default leverage on a new linear position. */
const DEFAULT_LEVERAGE = 10;
const MAINT_MARGIN_RATE = '0.005';
/** Market orders take the book up to this far from the touch (Bybit's slippage protection). */
const MARKET_SLIPPAGE = 0.05;
/** orderLinkId: up to 36 characters of letters, digits, dash and underscore. */
const ORDER_LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const EXECUTIONS_DEFAULT = 50;
const EXECUTIONS_MAX = 100;

type BybitTif = 'GTC' | 'IOC' | 'FOK' | 'PostOnly';

interface OrderMeta {
  sym: BybitSymbol;
  type: 'Limit' | 'Market';
  tif: BybitTif;
  announced: boolean;
  cumQty: Fixed;
  cumValue: Fixed;
  cumFee: Fixed;
  /** The mark when the order was placed (lastPriceOnCreated). */
  lastPrice: number;
}

interface PositionTrack {
  qty: Fixed;
  cost: Fixed;
  realized: Fixed;
}

interface WalletView {
  wallet: Fixed;
  unrealized: Fixed;
  positionIM: Fixed;
  orderIM: Fixed;
  maint: Fixed;
  available: Fixed;
}

export class BybitAccounts {
  private readonly meta = new Map<string, OrderMeta>();
  private readonly tracks = new Map<string, PositionTrack>();
  private readonly closedSize = new Map<number, Fixed>();
  private readonly offAccount: () => void;

  constructor(
    private readonly market: BybitMarket,
    private readonly streams: BybitStreams,
    private readonly faults: Faults,
  ) {
    market.exchange.setAccountFees(BYBIT_VENUE, BYBIT_ACCOUNT_FEE_RATES);
    this.offAccount = market.exchange.onAccount((venue, account, ev) => {
      if (venue !== BYBIT_VENUE) return;
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

  // ---- account facts ccxt asks for before it trades -----------------------------------------------------------

  /** GET /v5/user/query-api: a unified trading account (uta 1), which is what ccxt then trades as. */
  apiKeyInfo(account: string): unknown {
    return {
      id: '1',
      note: 'tradedesk loopback',
      apiKey: account,
      readOnly: 0,
      secret: '',
      permissions: {
        ContractTrade: ['Order', 'Position'],
        Spot: [],
        Wallet: ['AccountTransfer'],
        Options: [],
      },
      ips: ['*'],
      type: 1,
      deadlineDay: -1,
      expiredAt: '',
      createdAt: '2024-01-01T00:00:00Z',
      unified: 0,
      uta: 1,
      userID: 1,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
    };
  }

  /** GET /v5/account/info: unifiedMarginStatus 6 is UTA 2.0 pro. */
  accountInfo(): unknown {
    return {
      marginMode: 'REGULAR_MARGIN',
      updatedTime: '0',
      unifiedMarginStatus: 6,
      dcpStatus: 'OFF',
      timeWindow: 10,
      smpGroup: 0,
      isMasterTrader: false,
      spotHedgingStatus: 'OFF',
    };
  }

  /** GET /v5/asset/coin/query-info: the coins the perps use, without deposit chains (nothing moves on loopback). */
  coins(): unknown {
    const coins = new Set(this.market.symbols.flatMap((s) => [s.inst.base, s.inst.quote]));
    return {
      rows: [...coins].map((coin) => ({ name: coin, coin, remainAmount: '0', chains: [] })),
    };
  }

  /** GET /v5/account/fee-rate: the account's own rates, per symbol. */
  feeRate(params: Record<string, string>): unknown {
    this.market.requireLinear(params);
    return {
      category: 'linear',
      list: this.market.optionalSymbols(params).map((s) => ({
        symbol: s.id,
        takerFeeRate: BYBIT_ACCOUNT_FEE_RATES.taker,
        makerFeeRate: BYBIT_ACCOUNT_FEE_RATES.maker,
      })),
    };
  }

  // ---- orders -------------------------------------------------------------------------------------------------

  /** POST /v5/order/create */
  placeOrder(account: string, p: Record<string, string>): unknown {
    this.market.requireLinear(p);
    const sym = this.market.requireSymbol(p);
    const { inst } = sym;
    if (p.side !== 'Buy' && p.side !== 'Sell') throw paramError('params error: side invalid');
    const side = p.side === 'Buy' ? 'buy' : 'sell';
    if (p.orderType !== 'Limit' && p.orderType !== 'Market')
      throw paramError('params error: orderType invalid');
    const type = p.orderType;
    if (!p.qty || !DECIMAL.test(p.qty)) throw paramError('params error: qty invalid');
    let qty = Number(p.qty);
    if (qty < inst.step)
      throw paramError('params error: The number of contracts exceeds minimum limit allowed');
    if (!onGrid(qty, inst.step)) throw paramError('params error: Qty invalid');
    if (p.positionIdx !== undefined && p.positionIdx !== '0')
      throw new BybitError(10001, 'params error: position idx not match position mode');
    const tif = (p.timeInForce ?? 'GTC') as BybitTif;
    if (!['GTC', 'IOC', 'FOK', 'PostOnly'].includes(tif))
      throw paramError('params error: timeInForce invalid');
    const book = this.market.book(sym);
    const mark = this.market.markPrice(sym);
    let price: number;
    if (type === 'Limit') {
      if (!p.price || !DECIMAL.test(p.price)) throw paramError('params error: price invalid');
      price = Number(p.price);
      if (price <= 0 || !onGrid(price, inst.tick)) throw paramError('params error: price invalid');
      if (mark > 0 && (price > mark * 1.1 || price < mark * 0.9))
        throw new BybitError(110003, 'Order price is out of permissible range');
    } else {
      if (!book.ready) throw new BybitError(110007, 'the order book is empty');
      price =
        side === 'buy'
          ? roundPrice(inst, book.bestAsk * (1 + MARKET_SLIPPAGE), 'down')
          : roundPrice(inst, book.bestBid * (1 - MARKET_SLIPPAGE), 'up');
    }
    const orderLinkId = p.orderLinkId ?? '';
    if (orderLinkId !== '' && !ORDER_LINK_ID.test(orderLinkId))
      throw paramError('params error: orderLinkId is invalid (up to 36 characters of A-Z a-z 0-9 - _)');
    const reduceOnly = p.reduceOnly === 'true';
    if (reduceOnly) {
      const pos = this.position(account, sym);
      if (side === 'buy' ? pos >= 0 : pos <= 0)
        throw new BybitError(110017, 'current position is zero, cannot fix reduce-only order qty');
      qty = Math.min(qty, Math.abs(pos));
    }
    const touch = side === 'buy' ? book.bestAsk : book.bestBid;
    const notionalPrice = type === 'Limit' ? price : Number.isFinite(touch) ? touch : mark;
    if (!reduceOnly && qty * notionalPrice < inst.minNotional)
      throw new BybitError(
        110094,
        `Order does not meet minimum order value ${inst.minNotional}${inst.quote}`,
      );
    if (!reduceOnly) {
      const needed = fx(((qty * notionalPrice) / DEFAULT_LEVERAGE).toFixed(8));
      if (needed > this.view(account).available) throw new BybitError(110007, 'ab not enough for new order');
    }
    if (tif === 'FOK' && book.depthWithin(side, price) + 1e-12 < qty)
      throw new BybitError(110053, 'The order cannot be filled in full: FOK order rejected');
    if (this.faults.takeReject()) throw new BybitError(110007, 'ab not enough for new order');
    const clientId = orderLinkId || `loopback-${randomBytes(9).toString('base64url')}`;
    if (this.meta.has(metaKey(account, clientId))) throw new BybitError(110072, 'OrderLinkedID is duplicate');
    this.meta.set(metaKey(account, clientId), {
      sym,
      type,
      tif,
      announced: false,
      cumQty: ZERO,
      cumValue: ZERO,
      cumFee: ZERO,
      lastPrice: mark,
    });
    let placed: VenueOrder;
    try {
      placed = this.market.exchange.placeOrder(BYBIT_VENUE, account, {
        symbol: inst.symbol,
        side,
        qty,
        price,
        tif: tif === 'PostOnly' ? 'ALO' : tif === 'GTC' && type === 'Limit' ? 'GTC' : 'IOC',
        clientOrderId: clientId,
        reduceOnly,
      });
    } catch (e) {
      this.meta.delete(metaKey(account, clientId));
      if (e instanceof OrderRejected) throw rejection(e.message);
      throw e;
    }
    return { orderId: String(placed.orderId), orderLinkId };
  }

  /** POST /v5/order/cancel: by orderId or orderLinkId; a finished or unknown order is 110001. */
  cancelOrder(account: string, p: Record<string, string>): unknown {
    this.market.requireLinear(p);
    const sym = this.market.requireSymbol(p);
    const order = this.find(account, sym, p);
    if (!order || isDone(order)) throw new BybitError(110001, 'order not exists or too late to cancel');
    this.market.exchange.cancelOrder(BYBIT_VENUE, account, { orderId: order.orderId });
    return { orderId: String(order.orderId), orderLinkId: this.linkId(order) };
  }

  /** POST /v5/order/cancel-all: one symbol, or every symbol of a settle coin. */
  cancelAll(account: string, p: Record<string, string>): unknown {
    this.market.requireLinear(p);
    if (!p.symbol && !p.settleCoin && !p.baseCoin)
      throw paramError('params error: symbol, baseCoin or settleCoin is required');
    const symbols = this.selected(p);
    const list: unknown[] = [];
    for (const o of this.market.exchange.openOrders(BYBIT_VENUE, account))
      if (symbols.has(o.symbol)) {
        this.market.exchange.cancelOrder(BYBIT_VENUE, account, { orderId: o.orderId });
        list.push({ orderId: String(o.orderId), orderLinkId: this.linkId(o) });
      }
    return { list, success: '1' };
  }

  /** GET /v5/order/realtime: open orders, or one order (open or not) by orderId / orderLinkId. */
  openOrders(account: string, p: Record<string, string>): unknown {
    this.market.requireLinear(p);
    let orders: VenueOrder[];
    if (p.orderId || p.orderLinkId) {
      const one = this.market.exchange.order(
        BYBIT_VENUE,
        account,
        p.orderId ? { orderId: Number(p.orderId) } : { clientOrderId: p.orderLinkId },
      );
      orders = one ? [one] : [];
    } else {
      if (!p.symbol && !p.settleCoin && !p.baseCoin)
        throw paramError('params error: symbol, baseCoin or settleCoin is required');
      const symbols = this.selected(p);
      orders = this.market.exchange.openOrders(BYBIT_VENUE, account).filter((o) => symbols.has(o.symbol));
    }
    return { category: 'linear', list: orders.map((o) => this.orderJson(o)), nextPageCursor: '' };
  }

  /** GET /v5/execution/list: the account's fills, newest first; default 50, at most 100. */
  executions(account: string, p: Record<string, string>): unknown {
    this.market.requireLinear(p);
    const symbols = p.symbol ? new Set([this.market.requireSymbol(p).inst.symbol]) : null;
    const limit = Math.min(Number(p.limit ?? EXECUTIONS_DEFAULT), EXECUTIONS_MAX);
    if (!Number.isInteger(limit) || limit < 1) throw paramError('params error: limit invalid');
    const start = Number(p.startTime ?? 0);
    const end = Number(p.endTime ?? Number.MAX_SAFE_INTEGER);
    const fills = this.market.exchange
      .fills(BYBIT_VENUE, account)
      .filter(
        (f) =>
          (symbols === null || symbols.has(f.symbol)) &&
          (p.orderId === undefined || String(f.orderId) === p.orderId) &&
          (p.orderLinkId === undefined || f.clientOrderId === p.orderLinkId) &&
          (p.execType === undefined || p.execType === 'Trade') &&
          f.ts >= start &&
          f.ts <= end,
      )
      .reverse()
      .slice(0, limit);
    return { category: 'linear', list: fills.map((f) => this.executionJson(account, f)), nextPageCursor: '' };
  }

  /** GET /v5/account/wallet-balance (accountType UNIFIED). */
  walletBalance(account: string, p: Record<string, string>): unknown {
    if (p.accountType !== 'UNIFIED')
      throw new BybitError(10001, `accountType only support UNIFIED. ${p.accountType ?? ''}`);
    return { list: [this.walletJson(account)] };
  }

  /** GET /v5/position/list: linear positions held (or one symbol's, held or not); inverse has none here. */
  positions(account: string, p: Record<string, string>): unknown {
    if (p.category === 'inverse') return { category: 'inverse', list: [], nextPageCursor: '' };
    this.market.requireLinear(p);
    if (!p.symbol && !p.settleCoin && !p.baseCoin)
      throw paramError('params error: symbol, baseCoin or settleCoin is required');
    const symbols = this.selected(p);
    const list = this.market.symbols
      .filter((s) => symbols.has(s.inst.symbol))
      .filter((s) => p.symbol !== undefined || this.position(account, s) !== 0)
      .map((s) => this.positionJson(account, s));
    return { category: 'linear', list, nextPageCursor: '' };
  }

  // ---- JSON ----------------------------------------------------------------------------------------------------

  private orderJson(o: VenueOrder): Record<string, unknown> {
    const m = this.metaOf(o);
    const { sym } = m;
    const leaves = isDone(o) ? 0 : Math.max(0, o.qty - Number(fmt(m.cumQty, sym.inst.amountDecimals)));
    return {
      category: 'linear',
      orderId: String(o.orderId),
      orderLinkId: this.linkId(o),
      blockTradeId: '',
      symbol: sym.id,
      price: m.type === 'Market' ? '0' : this.market.price(sym, o.price),
      qty: this.market.qty(sym, o.qty),
      side: o.side === 'buy' ? 'Buy' : 'Sell',
      isLeverage: '',
      positionIdx: 0,
      orderStatus: statusText(o),
      cancelType: o.status === 'cancelled' ? 'CancelByUser' : 'UNKNOWN',
      rejectReason: 'EC_NoError',
      avgPrice: m.cumQty > ZERO ? fmt(div(m.cumValue, m.cumQty), sym.inst.priceDecimals + 2) : '',
      leavesQty: this.market.qty(sym, leaves),
      leavesValue: (leaves * o.price).toFixed(8),
      cumExecQty: fmt(m.cumQty, sym.inst.amountDecimals),
      cumExecValue: fmt(m.cumValue, 8),
      cumExecFee: fmt(m.cumFee, 8),
      timeInForce: m.tif,
      orderType: m.type,
      stopOrderType: '',
      orderIv: '',
      triggerPrice: '0',
      takeProfit: '0',
      stopLoss: '0',
      tpTriggerBy: '',
      slTriggerBy: '',
      triggerDirection: 0,
      triggerBy: '',
      lastPriceOnCreated: this.market.price(sym, m.lastPrice),
      reduceOnly: o.reduceOnly,
      closeOnTrigger: false,
      smpType: 'None',
      smpGroup: 0,
      smpOrderId: '',
      tpslMode: 'UNKNOWN',
      tpLimitPrice: '',
      slLimitPrice: '',
      placeType: '',
      createdTime: String(o.createdAt),
      updatedTime: String(o.updatedAt),
    };
  }

  private executionJson(account: string, f: VenueFill): Record<string, unknown> {
    const sym = this.market.bySimSymbol(f.symbol)!;
    const o = this.market.exchange.order(BYBIT_VENUE, account, { clientOrderId: f.clientOrderId });
    const m = o ? this.metaOf(o) : undefined;
    const rate = f.liquidity === 'maker' ? BYBIT_ACCOUNT_FEE_RATES.maker : BYBIT_ACCOUNT_FEE_RATES.taker;
    const mark = this.market.price(sym, this.market.markPrice(sym));
    return {
      category: 'linear',
      symbol: sym.id,
      execFee: fmt(fx(f.fee), 8),
      execId: `${f.tradeId}`,
      execPrice: this.market.price(sym, Number(f.price)),
      execQty: this.market.qty(sym, Number(f.qty)),
      execType: 'Trade',
      execValue: fmt(mul(fx(f.qty), fx(f.price)), 8),
      feeRate: rate,
      tradeIv: '',
      markIv: '',
      blockTradeId: '',
      markPrice: mark,
      indexPrice: mark,
      underlyingPrice: '',
      leavesQty: o ? this.market.qty(sym, isDone(o) ? 0 : o.qty - o.filledQty) : '0',
      orderId: String(f.orderId),
      orderLinkId: o ? this.linkId(o) : '',
      orderPrice: o ? this.market.price(sym, o.price) : '0',
      orderQty: o ? this.market.qty(sym, o.qty) : '0',
      orderType: m?.type ?? 'Limit',
      stopOrderType: 'UNKNOWN',
      side: f.side === 'buy' ? 'Buy' : 'Sell',
      execTime: String(f.ts),
      isLeverage: '',
      isMaker: f.liquidity === 'maker',
      closedSize: fmt(this.closedSize.get(f.tradeId) ?? ZERO, sym.inst.amountDecimals),
      seq: f.tradeId,
      createType: 'CreateByUser',
    };
  }

  private positionJson(account: string, sym: BybitSymbol): Record<string, unknown> {
    const p = this.market.exchange.positions(BYBIT_VENUE, account).find((x) => x.symbol === sym.inst.symbol);
    const qty = p?.qty ?? ZERO;
    const mark = fx(this.market.price(sym, this.market.markPrice(sym)));
    const cost = p ? mul(p.qty, p.entry) : ZERO;
    const notional = mul(abs(qty), mark);
    const t = this.tracks.get(metaKey(account, sym.id));
    const now = String(Date.now());
    return {
      category: 'linear',
      positionIdx: 0,
      tradeMode: 0,
      riskId: 1,
      riskLimitValue: '2000000',
      symbol: sym.id,
      side: qty > ZERO ? 'Buy' : qty < ZERO ? 'Sell' : '',
      size: fmt(abs(qty), sym.inst.amountDecimals),
      entryPrice: p ? fmt(p.entry, sym.inst.priceDecimals + 2) : '0',
      sessionAvgPrice: '',
      leverage: String(DEFAULT_LEVERAGE),
      positionValue: fmt(abs(cost), 8),
      positionBalance: '0',
      markPrice: fmt(mark, sym.inst.priceDecimals),
      positionIM: fmt(div(notional, fx(DEFAULT_LEVERAGE)), 8),
      positionMM: fmt(mul(notional, fx(MAINT_MARGIN_RATE)), 8),
      takeProfit: '0',
      stopLoss: '0',
      trailingStop: '0',
      unrealisedPnl: fmt(mul(qty, mark) - cost, 8),
      curRealisedPnl: fmt(t?.realized ?? ZERO, 8),
      cumRealisedPnl: fmt(t?.realized ?? ZERO, 8),
      createdTime: now,
      updatedTime: now,
      tpslMode: 'Full',
      liqPrice: '',
      bustPrice: '',
      positionStatus: 'Normal',
      adlRankIndicator: qty === ZERO ? 0 : 2,
      autoAddMargin: 0,
      isReduceOnly: false,
      seq: 0,
    };
  }

  private walletJson(account: string): Record<string, unknown> {
    const v = this.view(account);
    const quote = this.market.symbols[0]?.inst.quote ?? 'USDT';
    const equity = v.wallet + v.unrealized;
    const im = v.positionIM + v.orderIM;
    const realized = [...this.tracks.entries()]
      .filter(([k]) => k.startsWith(`${account}|`))
      .reduce((s, [, t]) => s + t.realized, ZERO);
    return {
      accountType: 'UNIFIED',
      accountIMRate: equity > ZERO ? fmt(div(im, equity), 4) : '0',
      accountMMRate: equity > ZERO ? fmt(div(v.maint, equity), 4) : '0',
      accountLTV: '0',
      totalEquity: fmt(equity, 8),
      totalWalletBalance: fmt(v.wallet, 8),
      totalMarginBalance: fmt(equity, 8),
      totalAvailableBalance: fmt(v.available, 8),
      totalPerpUPL: fmt(v.unrealized, 8),
      totalInitialMargin: fmt(im, 8),
      totalMaintenanceMargin: fmt(v.maint, 8),
      coin: [
        {
          coin: quote,
          equity: fmt(equity, 8),
          usdValue: fmt(equity, 8),
          walletBalance: fmt(v.wallet, 8),
          availableToWithdraw: fmt(v.available, 8),
          availableToBorrow: '',
          borrowAmount: '0',
          accruedInterest: '0',
          totalOrderIM: fmt(v.orderIM, 8),
          totalPositionIM: fmt(v.positionIM, 8),
          totalPositionMM: fmt(v.maint, 8),
          unrealisedPnl: fmt(v.unrealized, 8),
          cumRealisedPnl: fmt(realized, 8),
          bonus: '0',
          collateralSwitch: true,
          marginCollateral: true,
          locked: '0',
          spotHedgingQty: '0',
        },
      ],
    };
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  /** The sim symbols a symbol / settleCoin / baseCoin filter names. */
  private selected(p: Record<string, string>): Set<string> {
    if (p.symbol) return new Set([this.market.requireSymbol(p).inst.symbol]);
    return new Set(
      this.market.symbols
        .filter(
          (s) =>
            (!p.settleCoin || s.inst.quote === p.settleCoin) && (!p.baseCoin || s.inst.base === p.baseCoin),
        )
        .map((s) => s.inst.symbol),
    );
  }

  private find(account: string, sym: BybitSymbol, p: Record<string, string>): VenueOrder | undefined {
    if (!p.orderId && !p.orderLinkId) throw paramError('params error: orderId or orderLinkId is required');
    const o = this.market.exchange.order(
      BYBIT_VENUE,
      account,
      p.orderId ? { orderId: Number(p.orderId) } : { clientOrderId: p.orderLinkId },
    );
    return o && o.symbol === sym.inst.symbol ? o : undefined;
  }

  /** The orderLinkId the client gave; orders placed without one show an empty one, as on Bybit. */
  private linkId(o: VenueOrder): string {
    return o.clientOrderId.startsWith('loopback-') ? '' : o.clientOrderId;
  }

  private metaOf(o: VenueOrder): OrderMeta {
    const key = metaKey(o.account, o.clientOrderId);
    let m = this.meta.get(key);
    if (!m) {
      // An order placed on the SimExchange directly, not through this server.
      m = {
        sym: this.market.bySimSymbol(o.symbol)!,
        type: 'Limit',
        tif: o.tif === 'ALO' ? 'PostOnly' : o.tif,
        announced: false,
        cumQty: ZERO,
        cumValue: ZERO,
        cumFee: ZERO,
        lastPrice: o.price,
      };
      this.meta.set(key, m);
    }
    return m;
  }

  private position(account: string, sym: BybitSymbol): number {
    const p = this.market.exchange.positions(BYBIT_VENUE, account).find((x) => x.symbol === sym.inst.symbol);
    return p ? Number(fmt(p.qty, sym.inst.amountDecimals)) : 0;
  }

  /** The unified wallet: cash plus what the positions cost (the ledger pays it out), marked at the mark price. */
  private view(account: string): WalletView {
    const ex = this.market.exchange;
    const quote = this.market.symbols[0]?.inst.quote ?? 'USDT';
    let wallet = ex.balances(BYBIT_VENUE, account).get(quote) ?? ZERO;
    let unrealized = ZERO;
    let positionIM = ZERO;
    let maint = ZERO;
    for (const p of ex.positions(BYBIT_VENUE, account)) {
      const sym = this.market.bySimSymbol(p.symbol);
      if (!sym) continue;
      const cost = mul(p.qty, p.entry);
      wallet += cost;
      const mark = fx(this.market.price(sym, this.market.markPrice(sym)));
      const notional = mul(p.qty, mark);
      unrealized += notional - cost;
      positionIM += div(abs(notional), fx(DEFAULT_LEVERAGE));
      maint += mul(abs(notional), fx(MAINT_MARGIN_RATE));
    }
    let orderIM = ZERO;
    for (const o of ex.openOrders(BYBIT_VENUE, account)) {
      const sym = this.market.bySimSymbol(o.symbol);
      if (!sym) continue;
      const remaining = fx(this.market.qty(sym, o.qty - o.filledQty));
      orderIM += div(mul(remaining, fx(this.market.price(sym, o.price))), fx(DEFAULT_LEVERAGE));
    }
    const free = wallet + unrealized - positionIM - orderIM;
    return { wallet, unrealized, positionIM, orderIM, maint, available: free > ZERO ? free : ZERO };
  }

  // ---- private pushes ------------------------------------------------------------------------------------------

  private onAccountEvent(account: string, ev: AccountEvent): void {
    if (ev.type === 'fill') {
      const f = ev.fill;
      this.track(account, f);
      const o = this.market.exchange.order(BYBIT_VENUE, account, { clientOrderId: f.clientOrderId });
      if (!o) return;
      const m = this.metaOf(o);
      m.cumQty += fx(f.qty);
      m.cumValue += mul(fx(f.qty), fx(f.price));
      m.cumFee += fx(f.fee);
      if (!this.streams.hasPrivate(account)) return;
      this.streams.publishPrivate(account, 'execution', [this.executionJson(account, f)]);
      m.announced = true;
      // The order push after a fill shows the fill: Filled once the whole quantity is done.
      const full = m.cumQty >= fx(this.market.qty(m.sym, o.qty));
      const shown = { ...o, status: full ? 'filled' : 'partially_filled' } as VenueOrder;
      this.streams.publishPrivate(account, 'order', [this.orderJson(shown)]);
      this.streams.publishPrivate(account, 'position', [this.positionJson(account, m.sym)]);
      this.streams.publishPrivate(account, 'wallet', [this.walletJson(account)]);
      return;
    }
    const o = ev.order;
    // Rejections answer the REST request; Bybit pushes nothing for an order it never accepted.
    if (o.status === 'rejected') {
      this.meta.delete(metaKey(account, o.clientOrderId));
      return;
    }
    if (!this.streams.hasPrivate(account)) return;
    const m = this.metaOf(o);
    if (o.status === 'cancelled' || !m.announced) {
      m.announced = true;
      this.streams.publishPrivate(account, 'order', [this.orderJson(o)]);
      if (o.status === 'cancelled')
        this.streams.publishPrivate(account, 'wallet', [this.walletJson(account)]);
    }
  }

  /** Realized PnL and closed size of one fill, booked as the ledger books it (close the open side first). */
  private track(account: string, f: VenueFill): void {
    const sym = this.market.bySimSymbol(f.symbol);
    const key = metaKey(account, sym?.id ?? f.symbol);
    let t = this.tracks.get(key);
    if (!t) this.tracks.set(key, (t = { qty: ZERO, cost: ZERO, realized: ZERO }));
    const qty = fx(f.qty);
    const price = fx(f.price);
    const signed = f.side === 'buy' ? qty : -qty;
    let remaining = signed;
    if (t.qty !== ZERO && t.qty > ZERO !== signed > ZERO) {
      const closing = abs(signed) < abs(t.qty) ? signed : -t.qty;
      const removed = closing === -t.qty ? t.cost : div(mul(t.cost, abs(closing)), abs(t.qty));
      t.realized += -mul(closing, price) - removed;
      t.cost -= removed;
      t.qty += closing;
      remaining -= closing;
      this.closedSize.set(f.tradeId, abs(closing));
    }
    if (remaining !== ZERO) {
      t.cost += mul(remaining, price);
      t.qty += remaining;
    }
  }
}

function metaKey(account: string, id: string): string {
  return `${account}|${id}`;
}

function isDone(o: VenueOrder): boolean {
  return o.status === 'filled' || o.status === 'cancelled' || o.status === 'rejected';
}

function onGrid(value: number, increment: number): boolean {
  const n = value / increment;
  return Math.abs(n - Math.round(n)) < 1e-6;
}

function statusText(o: VenueOrder): string {
  switch (o.status) {
    case 'pending':
    case 'open':
      return 'New';
    case 'partially_filled':
      return 'PartiallyFilled';
    case 'filled':
      return 'Filled';
    case 'cancelled':
      return 'Cancelled';
    case 'rejected':
      return 'Rejected';
  }
}

/** The matching engine's reason, as the Bybit error that says the same. */
function rejection(reason: string): BybitError {
  if (/post-only/i.test(reason))
    return new BybitError(110079, 'The post-only order would have been filled immediately: rejected');
  if (/duplicate client order id/i.test(reason)) return new BybitError(110072, 'OrderLinkedID is duplicate');
  if (/notional/i.test(reason)) return new BybitError(110094, 'Order does not meet minimum order value');
  if (/unknown symbol/i.test(reason)) return new BybitError(10001, 'Not supported symbols');
  return new BybitError(110007, `order rejected: ${reason}`);
}
