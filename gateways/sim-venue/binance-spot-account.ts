// The private side of the loopback Binance spot: base and quote balances with locks for open orders, orders with
// spot's validation and error codes, and the user data stream (executionReport, outboundAccountPosition) driven by
// SimExchange.onAccount. Fees are charged in the quote currency on both sides (Binance charges a buy in the base).
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { roundPrice } from '../../source/core/instrument.ts';
import { ZERO, fmt, fx, mul, type Fixed } from '../../source/core/money.ts';
import type { Faults } from './faults.ts';
import { OrderRejected, type AccountEvent, type VenueFill, type VenueOrder } from './sim-exchange.ts';
import type { BinanceMarket, SymbolInfo } from './binance-market.ts';
import { reportOnce } from './binance-streams.ts';
import { BinanceError, decimalParam, intParam, missingParam, onGrid } from './binance-wire.ts';
import { SPOT_VENUE, spot8 } from './binance-spot-market.ts';

/** The account's own spot fee tier (/sapi/v1/asset/tradeFee), better than the 0.1 % market default. */
export const SPOT_ACCOUNT_FEE_RATES = { maker: '0.0008', taker: '0.0009' } as const;
/** What every spot account holds of each base asset before it trades (quote: the SimExchange start balance). */
export const SPOT_START_BASE: Readonly<Record<string, string>> = { BTC: '10', ETH: '200', SOL: '5000' };
/** Market orders take the book up to this far from the touch. */
const MARKET_TAKE_BOUND = 0.05;
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
type SpotTif = 'GTC' | 'IOC' | 'FOK';

interface OrderMeta {
  account: string;
  info: SymbolInfo;
  type: OrderType;
  tif: SpotTif;
  announced: boolean;
  cumQty: Fixed;
  cumQuote: Fixed;
  /** The client id of the cancel request, reported as `c` with the original as `C`. */
  cancelClientId?: string;
}

interface Subscriber {
  ws: WebSocket;
  subscriptionId: number;
}

export const insufficientBalance = (): BinanceError =>
  new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');

const filterFailure = (filter: string): BinanceError =>
  new BinanceError(400, -1013, `Filter failure: ${filter}`);

const unknownOrder = (): BinanceError => new BinanceError(400, -2011, 'Unknown order sent.');

export class BinanceSpotAccounts {
  private readonly meta = new Map<string, OrderMeta>();
  private readonly orderIds = new Map<string, number[]>();
  private readonly subscribers = new Map<string, Subscriber[]>();
  private nextSubscriptionId = 0;
  private readonly offAccount: () => void;

  constructor(
    private readonly market: BinanceMarket,
    private readonly faults: Faults,
  ) {
    market.exchange.setAccountFees(SPOT_VENUE, SPOT_ACCOUNT_FEE_RATES);
    this.offAccount = market.exchange.onAccount((venue, account, ev) => {
      if (venue !== SPOT_VENUE) return;
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
    for (const list of this.subscribers.values()) for (const s of list) s.ws.terminate();
    this.subscribers.clear();
  }

  // ---- user data stream (WebSocket API) ----------------------------------------------------------------------

  /** userDataStream.subscribe.signature: this connection now receives the account's events. */
  subscribe(ws: WebSocket, account: string): number {
    const subscriptionId = this.nextSubscriptionId++;
    let list = this.subscribers.get(account);
    if (!list) this.subscribers.set(account, (list = []));
    list.push({ ws, subscriptionId });
    ws.once('close', () => this.unsubscribe(ws));
    return subscriptionId;
  }

  unsubscribe(ws: WebSocket): void {
    for (const [account, list] of this.subscribers)
      this.subscribers.set(
        account,
        list.filter((s) => s.ws !== ws),
      );
  }

  private publish(account: string, event: unknown): void {
    const list = this.subscribers.get(account);
    if (!list || list.length === 0) return;
    for (const s of list) {
      const text = JSON.stringify({ subscriptionId: s.subscriptionId, event });
      const send = () => {
        if (s.ws.readyState === s.ws.OPEN) s.ws.send(text);
      };
      if (this.faults.delayMs > 0) setTimeout(send, this.faults.delayMs);
      else send();
    }
  }

  // ---- balances ----------------------------------------------------------------------------------------------

  /** Free and locked per asset: quote from the ledger's cash, base from the start holding plus what was bought. */
  balances(account: string): Map<string, { free: Fixed; locked: Fixed }> {
    const ex = this.market.exchange;
    const total = new Map<string, Fixed>();
    for (const [asset, amount] of ex.balances(SPOT_VENUE, account)) total.set(asset, amount);
    for (const s of this.market.symbols) if (!total.has(s.inst.base)) total.set(s.inst.base, startBase(s));
    for (const p of ex.positions(SPOT_VENUE, account)) {
      const info = this.market.bySimSymbol(p.symbol);
      if (info) total.set(info.inst.base, startBase(info) + p.qty);
    }
    const locked = new Map<string, Fixed>();
    for (const o of ex.openOrders(SPOT_VENUE, account)) {
      const info = this.market.bySimSymbol(o.symbol);
      if (!info) continue;
      const remaining = fx(spot8(o.qty - o.filledQty));
      const [asset, amount] =
        o.side === 'buy'
          ? [info.inst.quote, withTakerFee(mul(remaining, fx(spot8(o.price))))]
          : [info.inst.base, remaining];
      locked.set(asset, (locked.get(asset) ?? ZERO) + amount);
    }
    const out = new Map<string, { free: Fixed; locked: Fixed }>();
    for (const [asset, amount] of total) {
      const l = locked.get(asset) ?? ZERO;
      out.set(asset, { free: amount - l, locked: l });
    }
    return out;
  }

  account(account: string): unknown {
    const bps = (rate: string) => Math.round(Number(rate) * 10_000);
    return {
      makerCommission: bps(SPOT_ACCOUNT_FEE_RATES.maker),
      takerCommission: bps(SPOT_ACCOUNT_FEE_RATES.taker),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: spot8(Number(SPOT_ACCOUNT_FEE_RATES.maker)),
        taker: spot8(Number(SPOT_ACCOUNT_FEE_RATES.taker)),
        buyer: spot8(0),
        seller: spot8(0),
      },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: Date.now(),
      accountType: 'SPOT',
      balances: [...this.balances(account)].map(([asset, b]) => ({
        asset,
        free: fmt(b.free, 8),
        locked: fmt(b.locked, 8),
      })),
      permissions: ['SPOT'],
    };
  }

  tradeFee(params: URLSearchParams): unknown {
    const { list } = this.market.optionalSymbols(params);
    return list.map((s) => ({
      symbol: s.id,
      makerCommission: SPOT_ACCOUNT_FEE_RATES.maker,
      takerCommission: SPOT_ACCOUNT_FEE_RATES.taker,
    }));
  }

  commission(params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const rates = {
      maker: spot8(Number(SPOT_ACCOUNT_FEE_RATES.maker)),
      taker: spot8(Number(SPOT_ACCOUNT_FEE_RATES.taker)),
      buyer: spot8(0),
      seller: spot8(0),
    };
    return {
      symbol: info.id,
      standardCommission: rates,
      taxCommission: { maker: spot8(0), taker: spot8(0), buyer: spot8(0), seller: spot8(0) },
      discount: {
        enabledForAccount: false,
        enabledForSymbol: false,
        discountAsset: 'BNB',
        discount: spot8(0),
      },
    };
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
    if (typeParam !== 'LIMIT' && typeParam !== 'LIMIT_MAKER' && typeParam !== 'MARKET')
      throw new BinanceError(400, -1116, 'Invalid orderType.');
    const type: OrderType = typeParam;
    const book = this.market.book(info);

    let price: number;
    let tif: SpotTif;
    if (type === 'MARKET') {
      if (params.get('price') !== null)
        throw new BinanceError(400, -1106, "Parameter 'price' sent when not required.");
      if (!book.ready) throw new BinanceError(400, -1013, 'Market is closed.');
      tif = 'IOC';
      // The worst price a market order may reach: the touch ± the take bound.
      price =
        side === 'buy'
          ? roundPrice(inst, book.bestAsk * (1 + MARKET_TAKE_BOUND), 'down')
          : roundPrice(inst, book.bestBid * (1 - MARKET_TAKE_BOUND), 'up');
    } else {
      const p = decimalParam(params, 'price');
      if (p === undefined) throw missingParam('price');
      if (p <= 0 || !onGrid(p, inst.tick)) throw filterFailure('PRICE_FILTER');
      price = p;
      if (type === 'LIMIT') {
        const t = params.get('timeInForce');
        if (!t) throw missingParam('timeInForce');
        if (t !== 'GTC' && t !== 'IOC' && t !== 'FOK')
          throw new BinanceError(400, -1115, 'Invalid timeInForce.');
        tif = t;
      } else tif = 'GTC';
    }

    let qty = decimalParam(params, 'quantity');
    const quoteQty = decimalParam(params, 'quoteOrderQty');
    if (qty === undefined && type === 'MARKET' && quoteQty !== undefined) {
      // Spend up to quoteOrderQty at the touch, in whole steps.
      const touch = side === 'buy' ? book.bestAsk : book.bestBid;
      qty = Number(
        (Math.floor(quoteQty / touch / inst.step + 1e-9) * inst.step).toFixed(inst.amountDecimals),
      );
    }
    if (qty === undefined) throw missingParam('quantity');
    if (qty <= 0 || !onGrid(qty, inst.step)) throw filterFailure('LOT_SIZE');
    const notionalPrice = type === 'MARKET' ? (side === 'buy' ? book.bestAsk : book.bestBid) : price;
    if (qty * notionalPrice < inst.minNotional) throw filterFailure('NOTIONAL');

    // A buy needs the quote it would spend (and the fee), a sell the base it would deliver, free of other orders.
    const free = this.balances(account);
    const need =
      side === 'buy'
        ? { asset: inst.quote, amount: withTakerFee(mul(fx(spot8(qty)), fx(spot8(price)))) }
        : { asset: inst.base, amount: fx(spot8(qty)) };
    if ((free.get(need.asset)?.free ?? ZERO) < need.amount) throw insufficientBalance();
    if (tif === 'FOK' && book.depthWithin(side, price) + 1e-12 < qty)
      throw new BinanceError(400, -2010, 'Order would not be filled immediately and was rejected (FOK).');
    if (this.faults.takeReject()) throw new BinanceError(400, -2010, 'NEW_ORDER_REJECTED');

    const clientOrderId =
      params.get('newClientOrderId') ?? `loopback_${randomBytes(9).toString('base64url')}`;
    if (!CLIENT_ORDER_ID.test(clientOrderId))
      throw new BinanceError(400, -1100, "Illegal characters found in parameter 'newClientOrderId'.");
    const key = metaKey(account, clientOrderId);
    if (this.meta.has(key)) throw new BinanceError(400, -2010, 'Duplicate order sent.');
    const meta: OrderMeta = { account, info, type, tif, announced: false, cumQty: ZERO, cumQuote: ZERO };
    this.meta.set(key, meta);
    let placed: VenueOrder;
    try {
      placed = this.market.exchange.placeOrder(SPOT_VENUE, account, {
        symbol: inst.symbol,
        side,
        qty,
        price,
        tif: type === 'LIMIT_MAKER' ? 'ALO' : tif === 'GTC' ? 'GTC' : 'IOC',
        clientOrderId,
      });
    } catch (e) {
      this.meta.delete(key);
      if (e instanceof OrderRejected)
        throw /post-only/i.test(e.message)
          ? new BinanceError(400, -2010, 'Order would immediately match and take.')
          : new BinanceError(400, -2010, `NEW_ORDER_REJECTED: ${e.message}`);
      throw e;
    }
    let ids = this.orderIds.get(account);
    if (!ids) this.orderIds.set(account, (ids = []));
    ids.push(placed.orderId);
    const after = this.market.exchange.order(SPOT_VENUE, account, { orderId: placed.orderId }) ?? placed;
    const respType = params.get('newOrderRespType') ?? 'FULL';
    const ack = {
      symbol: info.id,
      orderId: after.orderId,
      orderListId: -1,
      clientOrderId,
      transactTime: after.createdAt,
    };
    if (respType === 'ACK') return ack;
    const result = { ...ack, ...this.orderFields(after, meta), workingTime: after.createdAt };
    if (respType === 'RESULT') return result;
    const fills = this.market.exchange
      .fills(SPOT_VENUE, account)
      .filter((f) => f.orderId === after.orderId)
      .map((f) => ({
        price: spot8(Number(f.price)),
        qty: spot8(Number(f.qty)),
        commission: fmt(fx(f.fee), 8),
        commissionAsset: f.feeCurrency,
        tradeId: f.tradeId,
      }));
    return { ...result, fills };
  }

  /** DELETE /api/v3/order: -2011 for unknown orders and for orders already done. */
  cancelOrder(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const order = this.findOrder(account, info, params);
    if (!order || isDone(order)) throw unknownOrder();
    return this.cancel(account, order, params.get('newClientOrderId') ?? undefined);
  }

  /** DELETE /api/v3/openOrders: every open order of the symbol, or -2011 when there is none. */
  cancelAllOrders(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const open = this.market.exchange.openOrders(SPOT_VENUE, account, info.inst.symbol);
    if (open.length === 0) throw unknownOrder();
    return open.map((o) => this.cancel(account, o));
  }

  getOrder(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const order = this.findOrder(account, info, params);
    if (!order) throw new BinanceError(400, -2013, 'Order does not exist.');
    return this.orderJson(order);
  }

  openOrders(account: string, params: URLSearchParams): unknown {
    const { one, list } = this.market.optionalSymbols(params);
    return this.market.exchange
      .openOrders(SPOT_VENUE, account, one ? list[0].inst.symbol : undefined)
      .map((o) => this.orderJson(o));
  }

  allOrders(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const fromId = intParam(params, 'orderId') ?? 0;
    const limit = Math.min(intParam(params, 'limit') ?? 500, 1000);
    const out: unknown[] = [];
    for (const id of this.orderIds.get(account) ?? []) {
      if (id < fromId) continue;
      const o = this.market.exchange.order(SPOT_VENUE, account, { orderId: id });
      if (o && o.symbol === info.inst.symbol) out.push(this.orderJson(o));
    }
    return out.slice(0, limit);
  }

  myTrades(account: string, params: URLSearchParams): unknown {
    const info = this.market.requireSymbol(params);
    const orderId = intParam(params, 'orderId');
    const fromId = intParam(params, 'fromId');
    const start = intParam(params, 'startTime') ?? 0;
    const end = intParam(params, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    const limit = Math.min(intParam(params, 'limit') ?? 500, 1000);
    let fills = this.market.exchange
      .fills(SPOT_VENUE, account)
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
      symbol: info.id,
      id: f.tradeId,
      orderId: f.orderId,
      orderListId: -1,
      price: spot8(Number(f.price)),
      qty: spot8(Number(f.qty)),
      quoteQty: fmt(mul(fx(f.qty), fx(f.price)), 8),
      commission: fmt(fx(f.fee), 8),
      commissionAsset: f.feeCurrency,
      time: f.ts,
      isBuyer: f.side === 'buy',
      isMaker: f.liquidity === 'maker',
      isBestMatch: true,
    }));
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private cancel(account: string, order: VenueOrder, cancelClientId?: string): unknown {
    const meta = this.metaOf(account, order);
    meta.cancelClientId = cancelClientId ?? `loopback_${randomBytes(9).toString('base64url')}`;
    const after = this.market.exchange.cancelOrder(SPOT_VENUE, account, { orderId: order.orderId }) ?? order;
    return {
      symbol: meta.info.id,
      origClientOrderId: order.clientOrderId,
      orderId: order.orderId,
      orderListId: -1,
      clientOrderId: meta.cancelClientId,
      transactTime: after.updatedAt,
      ...this.orderFields(after, meta),
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
      SPOT_VENUE,
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
      if (!info) throw new BinanceError(400, -1121, 'Invalid symbol.');
      m = {
        account,
        info,
        type: o.tif === 'ALO' ? 'LIMIT_MAKER' : 'LIMIT',
        tif: o.tif === 'IOC' ? 'IOC' : 'GTC',
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
        // What the book did not take at once expires; what a cancel request removed is cancelled.
        return meta.cancelClientId === undefined && (meta.tif !== 'GTC' || meta.type === 'MARKET')
          ? 'EXPIRED'
          : 'CANCELED';
    }
  }

  /** Filled size and quote from the fills themselves (exact), else the matching engine's view. */
  private filledOf(o: VenueOrder, meta: OrderMeta): { qty: Fixed; quote: Fixed } {
    if (meta.cumQty > ZERO) return { qty: meta.cumQty, quote: meta.cumQuote };
    let qty = ZERO;
    let quote = ZERO;
    for (const f of this.market.exchange.fills(SPOT_VENUE, o.account))
      if (f.orderId === o.orderId) {
        qty += fx(f.qty);
        quote += mul(fx(f.qty), fx(f.price));
      }
    return { qty, quote };
  }

  private orderFields(o: VenueOrder, meta: OrderMeta): Record<string, unknown> {
    const filled = this.filledOf(o, meta);
    return {
      price: meta.type === 'MARKET' ? spot8(0) : spot8(o.price),
      origQty: spot8(o.qty),
      executedQty: fmt(filled.qty, 8),
      origQuoteOrderQty: spot8(0),
      cummulativeQuoteQty: fmt(filled.quote, 8),
      status: this.statusOf(o, meta),
      timeInForce: meta.tif,
      type: meta.type,
      side: o.side === 'buy' ? 'BUY' : 'SELL',
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }

  private orderJson(o: VenueOrder): unknown {
    const meta = this.metaOf(o.account, o);
    return {
      symbol: meta.info.id,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      ...this.orderFields(o, meta),
      stopPrice: spot8(0),
      icebergQty: spot8(0),
      time: o.createdAt,
      updateTime: o.updatedAt,
      isWorking: o.status === 'open' || o.status === 'partially_filled',
      workingTime: o.createdAt,
    };
  }

  private onAccountEvent(account: string, ev: AccountEvent): void {
    if (ev.type === 'fill') {
      const f = ev.fill;
      const o = this.market.exchange.order(SPOT_VENUE, account, { clientOrderId: f.clientOrderId });
      if (!o) return;
      const meta = this.metaOf(account, o);
      this.announce(o, meta);
      meta.cumQty += fx(f.qty);
      meta.cumQuote += mul(fx(f.qty), fx(f.price));
      const full = meta.cumQty >= fx(spot8(o.qty));
      this.publishExecution(o, meta, 'TRADE', full ? 'FILLED' : 'PARTIALLY_FILLED', f.ts, f);
      this.publishBalances(account, meta.info, f.ts);
      return;
    }
    const o = ev.order;
    if (o.status === 'rejected') {
      // Rejections answer the REST request; nothing goes on the user stream.
      this.meta.delete(metaKey(account, o.clientOrderId));
      return;
    }
    const meta = this.metaOf(account, o);
    this.announce(o, meta);
    if (o.status === 'cancelled') {
      const x = this.statusOf(o, meta);
      this.publishExecution(o, meta, x, x, o.updatedAt);
      this.publishBalances(account, meta.info, o.updatedAt);
    }
  }

  /** Binance reports every order as NEW (and its balances locked) before anything else happens to it. */
  private announce(o: VenueOrder, meta: OrderMeta): void {
    if (meta.announced) return;
    meta.announced = true;
    this.publishExecution(o, meta, 'NEW', 'NEW', o.createdAt);
    this.publishBalances(meta.account, meta.info, o.createdAt);
  }

  private publishExecution(
    o: VenueOrder,
    meta: OrderMeta,
    x: string,
    X: string,
    ts: number,
    fill?: VenueFill,
  ): void {
    if (!this.subscribers.get(meta.account)?.length) return;
    const cancelled = x === 'CANCELED' && meta.cancelClientId !== undefined;
    this.publish(meta.account, {
      e: 'executionReport',
      E: Date.now(),
      s: meta.info.id,
      c: cancelled ? meta.cancelClientId : o.clientOrderId,
      S: o.side === 'buy' ? 'BUY' : 'SELL',
      o: meta.type,
      f: meta.tif,
      q: spot8(o.qty),
      p: meta.type === 'MARKET' ? spot8(0) : spot8(o.price),
      P: spot8(0),
      F: spot8(0),
      g: -1,
      C: cancelled ? o.clientOrderId : '',
      x,
      X,
      r: 'NONE',
      i: o.orderId,
      l: fill ? spot8(Number(fill.qty)) : spot8(0),
      z: fmt(meta.cumQty, 8),
      L: fill ? spot8(Number(fill.price)) : spot8(0),
      n: fill ? fmt(fx(fill.fee), 8) : '0',
      N: fill ? fill.feeCurrency : null,
      T: ts,
      t: fill ? fill.tradeId : -1,
      I: o.orderId * 2 + (fill ? 1 : 0),
      w: X === 'NEW' || X === 'PARTIALLY_FILLED',
      m: fill ? fill.liquidity === 'maker' : false,
      M: false,
      O: o.createdAt,
      Z: fmt(meta.cumQuote, 8),
      Y: fill ? fmt(mul(fx(fill.qty), fx(fill.price)), 8) : spot8(0),
      Q: spot8(0),
      W: o.createdAt,
      V: 'EXPIRE_MAKER',
    });
  }

  private publishBalances(account: string, info: SymbolInfo, ts: number): void {
    if (!this.subscribers.get(account)?.length) return;
    const b = this.balances(account);
    const row = (asset: string) => {
      const v = b.get(asset) ?? { free: ZERO, locked: ZERO };
      return { a: asset, f: fmt(v.free, 8), l: fmt(v.locked, 8) };
    };
    this.publish(account, {
      e: 'outboundAccountPosition',
      E: Date.now(),
      u: ts,
      B: [row(info.inst.base), row(info.inst.quote)],
    });
  }
}

function startBase(info: SymbolInfo): Fixed {
  return fx(SPOT_START_BASE[info.inst.base] ?? '0');
}

/** Quote locked for a buy: its cost plus the taker fee it may pay (fees are charged in the quote here). */
function withTakerFee(cost: Fixed): Fixed {
  return cost + mul(cost, fx(SPOT_ACCOUNT_FEE_RATES.taker));
}

function metaKey(account: string, id: string): string {
  return `${account}|${id}`;
}

function isDone(o: VenueOrder): boolean {
  return o.status === 'filled' || o.status === 'cancelled' || o.status === 'rejected';
}
