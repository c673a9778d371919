// The loopback exchanges' shared core: the simulated market on wall-clock time, accounts, and a matching engine.
// Protocol servers (binance, hyperliquid) translate their wire formats to and from this.
import { OrderBook } from '../../source/core/order-book.ts';
import type { Instrument } from '../../source/core/instrument.ts';
import type { MarketEvent } from '../../source/core/market-events.ts';
import { fx, mul, str, ZERO, type Fixed } from '../../source/core/money.ts';
import type { Fill, OrderRequest, OrderStatus, Side } from '../../source/core/trading.ts';
import { Ledger, unrealized } from '../../source/engine/ledger.ts';
import { PaperVenue } from '../paper/paper-venue.ts';
import { SimMarket } from '../sim/market.ts';

export interface SimExchangeOptions {
  seed: number;
  /** Simulated seconds per wall-clock second. */
  speed?: number;
  updatesPerSecond?: number;
  assets?: string[];
  /** Start balance of every new account, per quote currency. */
  startBalance?: string;
}

export interface VenueOrder {
  orderId: number;
  clientOrderId: string;
  account: string;
  venue: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  filledQty: number;
  /** Quote notional filled, for the average price. */
  filledNotional: number;
  status: OrderStatus;
  tif: 'GTC' | 'IOC' | 'ALO';
  reduceOnly: boolean;
  createdAt: number;
  updatedAt: number;
  reason?: string;
}

export interface VenueFill {
  tradeId: number;
  orderId: number;
  clientOrderId: string;
  account: string;
  venue: string;
  symbol: string;
  side: Side;
  price: string;
  qty: string;
  fee: string;
  feeCurrency: string;
  liquidity: 'maker' | 'taker';
  ts: number;
}

export type AccountEvent = { type: 'order'; order: VenueOrder } | { type: 'fill'; fill: VenueFill };

export interface PlaceOrder {
  symbol: string;
  side: Side;
  qty: number;
  /** Limit price; market orders pass their worst acceptable price. */
  price: number;
  tif: 'GTC' | 'IOC' | 'ALO';
  clientOrderId?: string;
  reduceOnly?: boolean;
}

export class OrderRejected extends Error {}

interface AccountBook {
  ledger: Ledger;
  matcher: PaperVenue;
  fills: VenueFill[];
}

const PUMP_MS = 5;

export class SimExchange {
  readonly market: SimMarket;
  readonly instruments: Instrument[];
  private readonly books = new Map<string, OrderBook>();
  private readonly listeners = new Set<(ev: MarketEvent) => void>();
  private readonly accountListeners = new Set<(venue: string, account: string, ev: AccountEvent) => void>();
  private readonly accounts = new Map<string, AccountBook>();
  private readonly orders = new Map<string, VenueOrder>();
  private readonly byClientId = new Map<string, VenueOrder>();
  private readonly funding = new Map<string, { rate: string; nextFundingTs: number; markPrice: number }>();
  private pending: MarketEvent | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Simulated seconds per wall-clock second. */
  readonly speed: number;
  private readonly simStart: number;
  private wallStart = 0;
  private nextOrderId = 1_000;
  private nextTradeId = 1;
  private readonly startBalance: string;
  /** Per venue: the fee tier accounts trade at, when the venue gives accounts better rates than the market's default. */
  private readonly accountFees = new Map<string, { maker: string; taker: string }>();
  /** Books mirrored onto other venues: source venue|symbol → each mirror's instrument (spot, Bybit and OKX all mirror Binance). */
  private readonly mirrors = new Map<string, Instrument[]>();

  constructor(opts: SimExchangeOptions) {
    this.speed = opts.speed ?? 1;
    this.simStart = Date.now();
    this.market = new SimMarket({
      seed: opts.seed,
      assets: opts.assets,
      updatesPerSecond: opts.updatesPerSecond ?? 100,
      startTs: this.simStart,
    });
    this.instruments = [...this.market.instruments];
    for (const inst of this.instruments)
      this.books.set(key(inst.venue, inst.symbol), new OrderBook(inst.venue, inst.symbol));
    this.startBalance = opts.startBalance ?? '100000';
  }

  /** Wall-clock time of a simulated instant: venues stamp what they send with their own clock. */
  wallTime(simTs: number): number {
    return this.wallStart + Math.round((simTs - this.simStart) / this.speed);
  }

  start(): void {
    this.wallStart = Date.now();
    this.pump();
    this.timer = setInterval(() => this.pump(), PUMP_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private pump(): void {
    const simNow = this.simStart + (Date.now() - this.wallStart) * this.speed;
    if (this.pending === null) this.pending = this.market.next();
    while (this.pending.ts <= simNow) {
      const ev = { ...this.pending, ts: this.wallTime(this.pending.ts) } as MarketEvent;
      if (ev.kind === 'fundingRate') ev.nextFundingTs = this.wallTime(ev.nextFundingTs);
      this.apply(ev);
      this.pending = this.market.next();
    }
  }

  private apply(ev: MarketEvent): void {
    const book = this.books.get(key(ev.venue, ev.symbol));
    if (!book) return;
    if (ev.kind === 'book') {
      if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
      else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
      for (const acc of this.accounts.values()) {
        acc.matcher.advance(ev.ts);
        if (acc.matcher.name === ev.venue) acc.matcher.onBook(book, ev);
      }
    } else if (ev.kind === 'trade') {
      for (const acc of this.accounts.values()) if (acc.matcher.name === ev.venue) acc.matcher.onTrade(ev);
    } else {
      this.funding.set(key(ev.venue, ev.symbol), {
        rate: ev.rate,
        nextFundingTs: ev.nextFundingTs,
        markPrice: ev.markPrice,
      });
    }
    for (const l of this.listeners) l(ev);
    if (this.mirrors.size === 0 || ev.kind === 'fundingRate') return;
    const mirrors = this.mirrors.get(key(ev.venue, ev.symbol));
    if (mirrors) for (const m of mirrors) this.apply({ ...ev, venue: m.venue, symbol: m.symbol });
  }

  /**
   * A venue whose books and public trades are another venue's, event for event (a spot market with zero basis to the
   * perp it mirrors); its accounts match against those books. Call before start().
   */
  addMirrorVenue(venue: string, from: string, terms: (source: Instrument) => Instrument): void {
    for (const source of this.venueInstruments(from)) {
      const inst = { ...terms(source), venue };
      this.instruments.push(inst);
      this.books.set(key(venue, inst.symbol), new OrderBook(venue, inst.symbol));
      const k = key(from, source.symbol);
      this.mirrors.set(k, [...(this.mirrors.get(k) ?? []), inst]);
    }
  }

  onMarket(listener: (ev: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onAccount(listener: (venue: string, account: string, ev: AccountEvent) => void): () => void {
    this.accountListeners.add(listener);
    return () => this.accountListeners.delete(listener);
  }

  venueInstruments(venue: string): Instrument[] {
    return this.instruments.filter((i) => i.venue === venue);
  }

  instrument(venue: string, symbol: string): Instrument | undefined {
    return this.instruments.find((i) => i.venue === venue && i.symbol === symbol);
  }

  book(venue: string, symbol: string): OrderBook {
    const b = this.books.get(key(venue, symbol));
    if (!b) throw new RangeError(`no book ${symbol} on ${venue}`);
    return b;
  }

  fundingOf(
    venue: string,
    symbol: string,
  ): { rate: string; nextFundingTs: number; markPrice: number } | undefined {
    return this.funding.get(key(venue, symbol));
  }

  /** Accounts on this venue trade at these rates (what its fee endpoint reports), not the market's default tier. */
  setAccountFees(venue: string, fees: { maker: string; taker: string }): void {
    this.accountFees.set(venue, fees);
  }

  private accountBook(venue: string, account: string): AccountBook {
    const k = key(venue, account);
    let acc = this.accounts.get(k);
    if (!acc) {
      const ledger = new Ledger();
      const quotes = new Set(this.venueInstruments(venue).map((i) => i.quote));
      for (const q of quotes) ledger.deposit(venue, q, BigInt(this.startBalance) * 10n ** 18n);
      const tier = this.accountFees.get(venue);
      const matcher = new PaperVenue({
        name: venue,
        instruments: this.venueInstruments(venue).map((i) =>
          tier ? { ...i, makerFee: tier.maker, takerFee: tier.taker } : i,
        ),
        latencyMs: 0,
        book: (s) => this.books.get(key(venue, s)),
      });
      acc = { ledger, matcher, fills: [] };
      const book = acc;
      matcher.setListener({
        onFill: (f) => this.onFill(venue, account, book, f),
        onOrderUpdate: (u) => {
          const o = this.byClientId.get(key(venue, u.clientOrderId));
          if (!o) return;
          o.status = u.status;
          o.filledQty = u.filledQty;
          o.updatedAt = u.ts;
          o.reason = u.reason;
          this.emit(venue, account, { type: 'order', order: { ...o } });
        },
      });
      this.accounts.set(k, acc);
    }
    return acc;
  }

  private onFill(venue: string, account: string, acc: AccountBook, f: Fill): void {
    const inst = this.instrument(venue, f.symbol)!;
    acc.ledger.applyFill(f, inst.quote, f.fee);
    const o = this.byClientId.get(key(venue, f.orderId));
    if (o) o.filledNotional += Number(str(f.qty)) * Number(str(f.price));
    const fill: VenueFill = {
      tradeId: this.nextTradeId++,
      orderId: o?.orderId ?? 0,
      clientOrderId: f.orderId,
      account,
      venue,
      symbol: f.symbol,
      side: f.side,
      price: str(f.price),
      qty: str(f.qty),
      fee: str(f.fee),
      feeCurrency: f.feeCurrency,
      liquidity: f.liquidity,
      ts: f.ts || Date.now(),
    };
    acc.fills.push(fill);
    this.emit(venue, account, { type: 'fill', fill });
  }

  private emit(venue: string, account: string, ev: AccountEvent): void {
    for (const l of this.accountListeners) l(venue, account, ev);
  }

  /** Place an order; it is matched at once against the current book. Throws OrderRejected with the venue's reason. */
  placeOrder(venue: string, account: string, p: PlaceOrder): VenueOrder {
    const inst = this.instrument(venue, p.symbol);
    if (!inst) throw new OrderRejected(`unknown symbol ${p.symbol}`);
    const acc = this.accountBook(venue, account);
    const clientOrderId = p.clientOrderId ?? `sim-${this.nextOrderId + 1}`;
    if (this.byClientId.has(key(venue, clientOrderId)))
      throw new OrderRejected(`duplicate client order id ${clientOrderId}`);
    const book = this.book(venue, p.symbol);
    if (p.tif === 'ALO') {
      const crosses = p.side === 'buy' ? p.price >= book.bestAsk : p.price <= book.bestBid;
      if (crosses) throw new OrderRejected('post-only order would have immediately matched');
    }
    const now = Date.now();
    const order: VenueOrder = {
      orderId: ++this.nextOrderId,
      clientOrderId,
      account,
      venue,
      symbol: p.symbol,
      side: p.side,
      price: p.price,
      qty: p.qty,
      filledQty: 0,
      filledNotional: 0,
      status: 'pending',
      tif: p.tif,
      reduceOnly: p.reduceOnly ?? false,
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(key(venue, String(order.orderId)), order);
    this.byClientId.set(key(venue, clientOrderId), order);
    const req: OrderRequest = {
      clientOrderId,
      strategy: account,
      venue,
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      price: p.price,
      tif: p.tif === 'IOC' ? 'IOC' : 'GTC',
      reduceOnly: order.reduceOnly,
      decisionPrice: p.price,
      tag: 'venue',
    };
    acc.matcher.submit(req, now);
    acc.matcher.advance(now);
    if (order.status === 'rejected') throw new OrderRejected(order.reason ?? 'rejected');
    return { ...order };
  }

  cancelOrder(
    venue: string,
    account: string,
    id: { orderId?: number; clientOrderId?: string },
  ): VenueOrder | undefined {
    const order = this.find(venue, account, id);
    if (!order) return undefined;
    if (order.status === 'filled' || order.status === 'cancelled' || order.status === 'rejected')
      return { ...order };
    const acc = this.accountBook(venue, account);
    const now = Date.now();
    acc.matcher.cancel(order.clientOrderId, now);
    acc.matcher.advance(now);
    return { ...order };
  }

  order(
    venue: string,
    account: string,
    id: { orderId?: number; clientOrderId?: string },
  ): VenueOrder | undefined {
    const order = this.find(venue, account, id);
    return order ? { ...order } : undefined;
  }

  /** An account's order by the venue's id or the client's; another account's order is not found. */
  private find(
    venue: string,
    account: string,
    id: { orderId?: number; clientOrderId?: string },
  ): VenueOrder | undefined {
    const order =
      id.clientOrderId !== undefined
        ? this.byClientId.get(key(venue, id.clientOrderId))
        : this.orders.get(key(venue, String(id.orderId)));
    return order && order.account === account ? order : undefined;
  }

  /**
   * Another trader's order meets one resting on an account (fills that happen while its owner is away): `qty` at the
   * resting order's price, or, without `qty`, a trade through its price that fills all that is left. Returns it after.
   */
  tradeAgainst(venue: string, clientOrderId: string, qty?: number): VenueOrder {
    const order = this.byClientId.get(key(venue, clientOrderId));
    if (!order || (order.status !== 'open' && order.status !== 'partially_filled'))
      throw new RangeError(`no resting order ${clientOrderId} on ${venue}`);
    const inst = this.instrument(venue, order.symbol)!;
    const through = order.side === 'buy' ? -inst.tick : inst.tick;
    this.accountBook(venue, order.account).matcher.onTrade({
      kind: 'trade',
      venue,
      symbol: order.symbol,
      ts: Date.now(),
      price: qty === undefined ? order.price + through : order.price,
      size: qty ?? order.qty,
      side: order.side === 'buy' ? 'sell' : 'buy',
    });
    return { ...order };
  }

  openOrders(venue: string, account: string, symbol?: string): VenueOrder[] {
    return [...this.orders.values()]
      .filter(
        (o) => o.venue === venue && o.account === account && (symbol === undefined || o.symbol === symbol),
      )
      .filter((o) => o.status === 'open' || o.status === 'partially_filled' || o.status === 'pending')
      .map((o) => ({ ...o }));
  }

  fills(venue: string, account: string): VenueFill[] {
    return [...this.accountBook(venue, account).fills];
  }

  balances(venue: string, account: string): Map<string, Fixed> {
    const acc = this.accountBook(venue, account);
    const cash = acc.ledger.cashBalances();
    const out = new Map<string, Fixed>();
    for (const [k, v] of cash) out.set(k.split(':')[1], v);
    return out;
  }

  positions(
    venue: string,
    account: string,
  ): { symbol: string; qty: Fixed; entry: Fixed; unrealized: Fixed; mark: number }[] {
    const acc = this.accountBook(venue, account);
    return acc.ledger
      .accountsList()
      .filter((a) => a.qty !== ZERO)
      .map((a) => {
        const mark = this.book(venue, a.symbol).mid;
        // the ledger's own mark is the first fill's price (nothing here re-marks it): value at the book's mid
        const pnl = Number.isFinite(mark) ? mul(a.qty, fx(mark.toFixed(12))) - a.cost : unrealized(a);
        return {
          symbol: a.symbol,
          qty: a.qty,
          entry: a.qty === ZERO ? ZERO : (a.cost * 10n ** 18n) / a.qty,
          unrealized: pnl,
          mark,
        };
      });
  }
}

function key(a: string, b: string): string {
  return `${a}|${b}`;
}
