// Live execution through ccxt: orders with our client ids, precision and limits enforced before sending,
// and the account stream (orders, own fills) turned into the engine's order updates and fills.
import type { Instrument } from '../../source/core/instrument.ts';
import { fx, numberToDecimalString, str, ZERO } from '../../source/core/money.ts';
import type { Fill, OrderRequest, OrderStatus } from '../../source/core/trading.ts';
import type {
  ExecutionListener,
  ExecutionVenue,
  OrderAtVenue,
  OrderClosedAtVenue,
  OrderToLookUp,
  VenueAccountState,
} from '../../source/core/venue.ts';
import { cancelByClientIdParams } from './client-id.ts';
import { baseToContracts, contractSizeOf, contractsToBase, contractsToBaseFixed } from './contract-size.ts';

export interface CcxtOrder {
  id: string;
  clientOrderId?: string;
  symbol: string;
  status?: string;
  filled?: number;
  amount?: number;
  side?: string;
  price?: number;
}

export interface CcxtTrade {
  id?: string;
  order?: string;
  symbol: string;
  side: string;
  amount: number;
  price: number;
  timestamp?: number;
  takerOrMaker?: string;
  fee?: { cost?: number; currency?: string };
}

/** The part of a ccxt pro client that trading uses. */
export interface CcxtTradingClient {
  id: string;
  loadMarkets(): Promise<unknown>;
  amountToPrecision(symbol: string, amount: number): string;
  priceToPrecision(symbol: string, price: number): string;
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  has?: Record<string, unknown>;
  cancelAllOrders?(symbol?: string, params?: Record<string, unknown>): Promise<unknown>;
  /** The venue's word on one order (a cancel acknowledged without its outcome is confirmed with it). */
  fetchOrder?(id: string, symbol?: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  /** One order's own trades (reconciliation after a restart), where the venue has the lookup. */
  fetchOrderTrades?(id: string, symbol?: string, since?: number): Promise<CcxtTrade[]>;
  /** The account's trades on a market since a time: the lookup where a venue has none per order. */
  fetchMyTrades?(symbol?: string, since?: number, limit?: number): Promise<CcxtTrade[]>;
  /** Where a venue has no cancel-all (OKX swaps), the orders open on it and a batch cancel of them. */
  fetchOpenOrders?(symbol?: string): Promise<CcxtOrder[]>;
  cancelOrders?(ids: string[], symbol?: string): Promise<unknown>;
  watchOrders(symbol?: string): Promise<CcxtOrder[]>;
  watchMyTrades(symbol?: string): Promise<CcxtTrade[]>;
  watchBalance?(): Promise<{ total?: Record<string, number> }>;
  fetchBalance?(): Promise<{ total?: Record<string, number> }>;
  watchPositions?(): Promise<VenuePosition[]>;
  fetchPositions?(symbols?: string[]): Promise<VenuePosition[]>;
  /** ccxt's position cache (per account type, or one cache), newest entry per symbol last. */
  positions?: unknown;
  /** ccxt pro's private-stream login, where the venue has one. */
  authenticate?(): Promise<unknown>;
  /** Loaded markets: spot ones (contract false) have balances, no positions and no reduce-only. */
  markets?: Record<string, { contract?: boolean; contractSize?: number }>;
}

interface VenuePosition {
  symbol: string;
  contracts?: number;
  side?: string;
}

export interface CcxtExecutionOptions {
  venue: string;
  client: CcxtTradingClient;
  instruments: Instrument[];
  /** The id the venue accepts for our client order id (see `client-id.ts`: Hyperliquid, Bybit and OKX each map it). */
  venueClientId?: (clientOrderId: string) => string;
  /**
   * Own trades on the account stream carry the fee with the venue's sign, paid negative (ccxt's OKX `watchMyTrades`
   * passes `fillFee` through, while its REST trades flip it): flip it to ours, paid positive.
   */
  streamedFeePaidNegative?: boolean;
  /**
   * Parameters ccxt needs to look one order up on this venue. Bybit's lookup sees only the account's last 500 orders,
   * so ccxt refuses it unless told `acknowledged` — without it, a cancel the stream missed was never confirmed.
   */
  fetchOrderParams?: Record<string, unknown>;
  /**
   * How an order's fills are looked up after a restart: `order` through ccxt's fetchOrderTrades, `symbol` through
   * fetchMyTrades on its market since it was placed, kept to its order id (where ccxt has no per-order lookup).
   */
  orderTradesBy?: 'order' | 'symbol';
  now?: () => number;
  onError?: (message: string) => void;
}

export class OrderRefused extends Error {}

/** How far the venue's clock may be behind ours when an order's fills are looked up by time. */
const VENUE_CLOCK_SKEW_MS = 60_000;

const STATUS: Record<string, OrderStatus> = {
  open: 'open',
  closed: 'filled',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  expired: 'cancelled',
  rejected: 'rejected',
};

export class CcxtExecution implements ExecutionVenue {
  readonly name: string;
  private listener: ExecutionListener | null = null;
  private readonly instruments = new Map<string, Instrument>();
  /** venue order id → our client order id */
  private readonly byVenueId = new Map<string, string>();
  private readonly byVenueClientId = new Map<string, string>();
  private readonly open = new Map<string, { symbol: string; venueId?: string; qty: number }>();
  private readonly seenTrades = new Set<string>();
  /** Own trades that arrived before the venue's answer told us which order they belong to. */
  private readonly unmatched = new Map<string, CcxtTrade[]>();
  /** Fills can arrive after their order is reported closed: keep whose order it was. */
  private readonly strategyOf = new Map<string, string>();
  /** Filled size per order as our own fills add it up: streams may report a finished order before its fills. */
  private readonly filledByFills = new Map<string, number>();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: CcxtExecutionOptions) {
    this.name = o.venue;
    this.now = o.now ?? Date.now;
    for (const i of o.instruments) this.instruments.set(i.symbol, i);
  }

  setListener(listener: ExecutionListener): void {
    this.listener = listener;
  }

  /**
   * Check an order against the venue's precision and limits; returns the exact strings to send. The amount is in the
   * venue's unit: contracts where it counts contracts (our qty is always base units).
   */
  prepare(order: OrderRequest): { amount: string; price: string } {
    const inst = this.instruments.get(order.symbol);
    if (!inst) throw new OrderRefused(`${this.name} has no market ${order.symbol}`);
    const size = this.contractSize(order.symbol);
    const contracts = baseToContracts(order.qty, size);
    const amount = this.o.client.amountToPrecision(order.symbol, contracts);
    const price = this.o.client.priceToPrecision(order.symbol, order.price);
    if (fx(amount) !== fx(numberToDecimalString(contracts)))
      throw new OrderRefused(
        `amount ${order.qty} is not on ${this.name}'s step for ${order.symbol} (${size === 1 ? amount : `${amount} contracts of ${size}`})`,
      );
    if (Number(amount) <= 0) throw new OrderRefused(`amount ${order.qty} rounds to zero on ${this.name}`);
    const notional = contractsToBase(Number(amount), size) * Number(price);
    if (!order.reduceOnly && notional < inst.minNotional)
      throw new OrderRefused(
        `notional ${notional.toFixed(2)} below ${this.name}'s minimum ${inst.minNotional}`,
      );
    return { amount, price };
  }

  submit(order: OrderRequest, _now: number): void {
    let prepared: { amount: string; price: string };
    try {
      prepared = this.prepare(order);
    } catch (e) {
      this.open.set(order.clientOrderId, { symbol: order.symbol, qty: order.qty });
      this.update(order.clientOrderId, 'rejected', 0, (e as Error).message);
      return;
    }
    const venueClientId = this.venueClientIdOf(order.clientOrderId);
    this.byVenueClientId.set(venueClientId, order.clientOrderId);
    this.strategyOf.set(order.clientOrderId, order.strategy);
    this.open.set(order.clientOrderId, { symbol: order.symbol, qty: order.qty });
    const params: Record<string, unknown> = {
      clientOrderId: venueClientId,
      timeInForce: order.tif,
      // Spot has no reduce-only: a sell of what we hold is the reduction.
      ...(this.isContract(order.symbol) ? { reduceOnly: order.reduceOnly } : {}),
    };
    this.o.client
      .createOrder(order.symbol, 'limit', order.side, Number(prepared.amount), Number(prepared.price), params)
      .then((placed) => {
        this.byVenueId.set(placed.id, order.clientOrderId);
        const o = this.open.get(order.clientOrderId);
        if (o) o.venueId = placed.id;
        for (const t of this.unmatched.get(placed.id) ?? []) this.onVenueTrade(t);
        this.unmatched.delete(placed.id);
        this.onOrder(placed);
      })
      .catch((e: Error) =>
        this.update(order.clientOrderId, 'rejected', 0, `${e.constructor.name}: ${e.message.split('\n')[0]}`),
      );
  }

  cancel(clientOrderId: string, _now: number): void {
    const o = this.open.get(clientOrderId);
    if (!o) return;
    const venueClientId = this.venueClientIdOf(clientOrderId);
    const id = o.venueId ?? '';
    this.o.client
      .cancelOrder(id, o.symbol, o.venueId ? {} : cancelByClientIdParams(this.o.client.id, venueClientId))
      .then((answer) => {
        // The answer is news too: a cancel confirmed here is not lost if the stream missed it.
        const a = answer as Partial<CcxtOrder> | undefined;
        if (a && (a.status === 'canceled' || a.status === 'expired'))
          return this.onOrder({ ...a, id: a.id ?? id, symbol: o.symbol, clientOrderId: undefined });
        // OKX acknowledges a cancel without its outcome: ask for the order, so a stream that missed it costs nothing.
        const venueId = a?.id ?? o.venueId;
        if (a && a.status === undefined && venueId && this.o.client.fetchOrder)
          return (
            this.o.client
              .fetchOrder(venueId, o.symbol, this.o.fetchOrderParams ?? {})
              .then((now) => {
                if (now.status === 'canceled' || now.status === 'expired')
                  this.onOrder({ ...now, id: venueId, symbol: o.symbol, clientOrderId: undefined });
              })
              // Only a second opinion: the cancel itself went through, and the stream still has the final word.
              .catch(() => undefined)
          );
      })
      .catch((e: Error) =>
        this.o.onError?.(`cancel ${clientOrderId} on ${this.name} failed: ${e.message.split('\n')[0]}`),
      );
  }

  /** Cancel every order on the venue for the given symbols, ours or not; failures are reported, not thrown. */
  async cancelAll(symbols: string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const id of [...this.open.keys()]) this.cancel(id, this.now());
    if (this.o.client.cancelAllOrders && this.o.client.has?.cancelAllOrders) {
      for (const symbol of symbols) {
        try {
          await this.o.client.cancelAllOrders(symbol);
        } catch (e) {
          // Binance spot answers a cancel-all with nothing open as an unknown order: nothing was left to cancel.
          if ((e as Error).constructor.name === 'OrderNotFound') continue;
          failed.push(`${symbol}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    } else if (
      this.o.client.fetchOpenOrders &&
      this.o.client.cancelOrders &&
      this.o.client.has?.fetchOpenOrders &&
      this.o.client.has?.cancelOrders
    ) {
      // No cancel-all on the venue (OKX swaps): ask what is open there, ours or not, and cancel it in one batch.
      for (const symbol of symbols) {
        try {
          const ids = (await this.o.client.fetchOpenOrders(symbol)).map((o) => o.id);
          if (ids.length > 0) await this.o.client.cancelOrders(ids, symbol);
        } catch (e) {
          // Every one of them was gone by the time the batch arrived (our own cancels above got there first).
          if ((e as Error).constructor.name === 'OrderNotFound') continue;
          failed.push(`${symbol}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    return failed;
  }

  /** The account as the venue streams it: balances per currency and signed positions per symbol. */
  readonly balances = new Map<string, number>();
  readonly positions = new Map<string, number>();

  advance(_now: number): void {}
  onBook(): void {}
  onTrade(): void {}

  openOrderIds(): string[] {
    return [...this.open.keys()];
  }

  /**
   * The account as the venue sees it now (startup reconciliation): its open orders on our markets, ours told from
   * others by the client id we gave them, and its positions. Ours are taken back under management (cancel, fills).
   */
  async accountState(
    ours: ReadonlyMap<string, string>,
    openInJournal: readonly OrderToLookUp[] = [],
  ): Promise<VenueAccountState> {
    const client = this.o.client;
    const symbols = [...this.instruments.keys()];
    const byVenueClientId = new Map([...ours.keys()].map((id) => [this.venueClientIdOf(id), id]));
    const orders: OrderAtVenue[] = [];
    /** Venue order id of each of ours resting there, for the fill lookup below. */
    const resting = new Map<string, string>();
    let foreignOrders = 0;
    if (!client.fetchOpenOrders || client.has?.fetchOpenOrders === false)
      throw new Error(`${this.name} cannot list its open orders through ccxt`);
    for (const symbol of symbols) {
      for (const o of await client.fetchOpenOrders(symbol)) {
        // Venues echo the client id as we sent it, some in other case (Hyperliquid's hex cloid).
        const id =
          o.clientOrderId === undefined
            ? undefined
            : (byVenueClientId.get(o.clientOrderId) ?? byVenueClientId.get(o.clientOrderId.toLowerCase()));
        if (id === undefined) {
          foreignOrders += 1;
          continue;
        }
        const size = this.contractSize(symbol);
        const qty = contractsToBaseFixed(o.amount ?? 0, size);
        this.adopt(id, ours.get(id)!, symbol, o.id, Number(str(qty)));
        resting.set(id, o.id);
        orders.push({
          orderId: id,
          symbol,
          side: o.side ?? '',
          qty: str(qty),
          filled: str(contractsToBaseFixed(o.filled ?? 0, size)),
          price: o.price === undefined ? '' : numberToDecimalString(o.price),
        });
      }
    }
    const contracts = symbols.filter((s) => this.isContract(s));
    let positions: Map<string, string> | null = null;
    // Spot keeps balances, not positions: what the desk did not trade is in them too, so they are not compared.
    if (contracts.length > 0 && client.fetchPositions && client.has?.fetchPositions !== false) {
      positions = new Map();
      for (const p of await client.fetchPositions(contracts)) {
        if (!this.instruments.has(p.symbol)) continue;
        const size = contractsToBaseFixed(p.contracts ?? 0, this.contractSize(p.symbol));
        const signed = p.side === 'short' ? -size : size;
        if (signed !== ZERO) positions.set(p.symbol, str(signed));
      }
    }
    const { closedOrders, fills } = await this.whileAway(ours, openInJournal, resting);
    return { orders, foreignOrders, positions, closedOrders, fills };
  }

  /**
   * What became of the orders the journal holds open while nobody listened: the ones the venue closed, and every
   * fill of each (the venue's price, fee and trade id). Read before positions are compared, so fills are not guessed.
   */
  private async whileAway(
    ours: ReadonlyMap<string, string>,
    openInJournal: readonly OrderToLookUp[],
    resting: ReadonlyMap<string, string>,
  ): Promise<{ closedOrders: OrderClosedAtVenue[]; fills: Fill[] }> {
    const client = this.o.client;
    const closedOrders: OrderClosedAtVenue[] = [];
    const fills: Fill[] = [];
    for (const asked of openInJournal) {
      if (!this.instruments.has(asked.symbol)) continue;
      const size = this.contractSize(asked.symbol);
      let venueId = resting.get(asked.orderId);
      let filled = 0;
      if (venueId === undefined) {
        if (!client.fetchOrder) throw new Error(`${this.name} cannot look an order up through ccxt`);
        const venueClientId = this.venueClientIdOf(asked.orderId);
        let o: CcxtOrder;
        try {
          o = await client.fetchOrder('', asked.symbol, {
            ...(this.o.fetchOrderParams ?? {}),
            // The same names a cancel by client id uses (Bybit's orderLinkId, the others' clientOrderId).
            ...cancelByClientIdParams(client.id, venueClientId),
          });
        } catch (e) {
          // Never reached the venue (the crash came first): the journal's open order is a difference, no fills.
          if ((e as Error).constructor.name === 'OrderNotFound') continue;
          throw e;
        }
        const status = STATUS[o.status ?? 'open'] ?? 'open';
        venueId = o.id;
        filled = o.filled ?? 0;
        if (status === 'filled' || status === 'cancelled' || status === 'rejected')
          closedOrders.push({
            orderId: asked.orderId,
            status,
            filled: str(contractsToBaseFixed(filled, size)),
          });
        if (filled === 0) continue;
      }
      this.strategyOf.set(asked.orderId, ours.get(asked.orderId) ?? '');
      for (const t of await this.tradesOf(venueId, asked)) {
        const key = tradeKey(t);
        this.seenTrades.add(key);
        fills.push(this.fillOf(t, asked.orderId, false));
      }
    }
    return { closedOrders, fills };
  }

  /** One order's trades at the venue, by its venue id, through the lookup the venue has. */
  private async tradesOf(venueId: string, asked: OrderToLookUp): Promise<CcxtTrade[]> {
    const client = this.o.client;
    // The venue stamps trades by its clock, the journal by ours: look from a little before, the order id does the rest.
    const since = Math.max(0, asked.ts - VENUE_CLOCK_SKEW_MS);
    if (this.o.orderTradesBy !== 'symbol' && client.fetchOrderTrades && client.has?.fetchOrderTrades)
      return (await client.fetchOrderTrades(venueId, asked.symbol, since)).filter(
        (t) => t.order === undefined || t.order === venueId,
      );
    if (!client.fetchMyTrades || client.has?.fetchMyTrades === false)
      throw new Error(`${this.name} cannot list its trades through ccxt`);
    return (await client.fetchMyTrades(asked.symbol, since)).filter((t) => t.order === venueId);
  }

  /** Our client order id as this venue takes it (Hyperliquid's cloid, Bybit's and OKX's length and alphabet). */
  private venueClientIdOf(clientOrderId: string): string {
    return this.o.venueClientId ? this.o.venueClientId(clientOrderId) : clientOrderId;
  }

  /** An order of ours placed by an earlier run: known again, so it can be cancelled and its news reaches us. */
  private adopt(clientOrderId: string, strategy: string, symbol: string, venueId: string, qty: number): void {
    this.open.set(clientOrderId, { symbol, venueId, qty });
    this.byVenueId.set(venueId, clientOrderId);
    this.byVenueClientId.set(this.venueClientIdOf(clientOrderId), clientOrderId);
    this.strategyOf.set(clientOrderId, strategy);
  }

  /** Load the venue's markets: precision checks need them before the first order. */
  async connect(): Promise<void> {
    await this.o.client.loadMarkets();
    // Binance spot's user stream is a WebSocket API subscription: have it confirmed before the first order, so no
    // fill or cancel happens while nobody listens. Perp venues' streams are open by the time their watches start.
    if (this.o.client.authenticate && !this.o.instruments.some((i) => this.isContract(i.symbol)))
      await this.o.client.authenticate();
    // Risk checks balances before the first order: take them once now, the stream keeps them current.
    if (this.o.client.fetchBalance) this.setBalances(await this.o.client.fetchBalance());
  }

  private setBalances(b: { total?: Record<string, number> }): void {
    for (const [currency, total] of Object.entries(b.total ?? {}))
      if (typeof total === 'number') this.balances.set(currency, total);
  }

  /** Follow the account stream until stopped. */
  async run(): Promise<void> {
    const follow = async (name: string, step: () => Promise<void>) => {
      let delay = 250;
      while (!this.stopped) {
        try {
          await step();
          delay = 250;
        } catch (e) {
          if (this.stopped) return;
          this.o.onError?.(`${this.name} ${name}: ${(e as Error).message.split('\n')[0]}; retrying`);
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 10_000);
        }
      }
    };
    await Promise.all([
      follow('orders', async () => {
        for (const o of await this.o.client.watchOrders()) this.onOrder(o);
      }),
      follow('fills', async () => {
        for (const t of await this.o.client.watchMyTrades()) this.onVenueTrade(t);
      }),
      ...(this.o.client.watchBalance && this.o.client.has?.watchBalance
        ? [
            follow('balances', async () => {
              this.setBalances(await this.o.client.watchBalance!());
            }),
          ]
        : []),
      ...(this.o.client.watchPositions &&
      this.o.client.has?.watchPositions &&
      this.o.instruments.some((i) => this.isContract(i.symbol))
        ? [
            follow('positions', async () => {
              const news = await this.o.client.watchPositions!();
              // ccxt hands back only the message that woke us; updates that came while we were away live
              // only in its cache, so read the newest entry per symbol from there (Binance lagged 0.894 vs 29.05).
              for (const p of [...news, ...cachedPositions(this.o.client.positions)])
                this.positions.set(
                  p.symbol,
                  (p.side === 'short' ? -1 : 1) *
                    contractsToBase(p.contracts ?? 0, this.contractSize(p.symbol)),
                );
            }),
          ]
        : []),
    ]);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Base units per contract of a market (1 where the venue counts base units). */
  private contractSize(symbol: string): number {
    return contractSizeOf(this.o.client.markets?.[symbol]);
  }

  /** Perps and futures hold positions; spot holds balances. Unknown markets count as contracts, as before. */
  private isContract(symbol: string): boolean {
    return this.o.client.markets?.[symbol]?.contract !== false;
  }

  private ours(o: { id?: string; clientOrderId?: string }): string | undefined {
    return (
      (o.clientOrderId && this.byVenueClientId.get(o.clientOrderId)) ||
      (o.id ? this.byVenueId.get(o.id) : undefined)
    );
  }

  private onOrder(o: CcxtOrder): void {
    const id = this.ours(o);
    if (!id) return;
    const status = STATUS[o.status ?? 'open'] ?? 'open';
    const filled = contractsToBase(o.filled ?? 0, this.contractSize(o.symbol));
    this.update(id, status === 'open' && filled > 0 ? 'partially_filled' : status, filled);
  }

  private onVenueTrade(t: CcxtTrade): void {
    const key = tradeKey(t);
    if (this.seenTrades.has(key)) return;
    const id = t.order ? this.byVenueId.get(t.order) : undefined;
    if (!id) {
      if (t.order) this.unmatched.set(t.order, [...(this.unmatched.get(t.order) ?? []), t]);
      return;
    }
    this.seenTrades.add(key);
    const fill = this.fillOf(t, id, this.o.streamedFeePaidNegative ?? false);
    this.filledByFills.set(
      id,
      (this.filledByFills.get(id) ?? 0) + contractsToBase(t.amount, this.contractSize(t.symbol)),
    );
    this.listener?.onFill(fill);
  }

  /** A venue trade of our order `id` as the engine's fill: base units, our fee sign (paid positive), the trade id. */
  private fillOf(t: CcxtTrade, id: string, feePaidNegative: boolean): Fill {
    const inst = this.instruments.get(t.symbol);
    const size = this.contractSize(t.symbol);
    const fee = (feePaidNegative ? -1 : 1) * (t.fee?.cost ?? 0);
    return {
      ts: t.timestamp ?? this.now(),
      venue: this.name,
      symbol: t.symbol,
      side: t.side === 'sell' ? 'sell' : 'buy',
      qty: contractsToBaseFixed(t.amount, size),
      price: fx(numberToDecimalString(t.price)),
      fee: fx(numberToDecimalString(fee === 0 ? 0 : fee)),
      feeCurrency: t.fee?.currency ?? inst?.quote ?? 'USD',
      liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
      orderId: id,
      strategy: this.strategyOf.get(id) ?? '',
      ...(t.id === undefined ? {} : { tradeId: String(t.id) }),
    };
  }

  private update(clientOrderId: string, status: OrderStatus, filledQty: number, reason?: string): void {
    // The REST answer and the stream race each other: once an order is finished, later news is old news.
    if (!this.open.has(clientOrderId)) return;
    if (status === 'filled' || status === 'cancelled' || status === 'rejected')
      this.open.delete(clientOrderId);
    this.listener?.onOrderUpdate({ clientOrderId, status, filledQty, ts: this.now(), reason });
  }
}

/** What tells one venue trade from another: its id, or where a venue gives none, what it is made of. */
function tradeKey(t: CcxtTrade): string {
  return t.id ?? `${t.order}:${t.timestamp}:${t.amount}:${t.price}`;
}

/** Every position in ccxt's cache, oldest update first (the cache moves an updated entry to its end). */
function cachedPositions(cache: unknown): VenuePosition[] {
  if (!cache || typeof cache !== 'object') return [];
  if (Array.isArray(cache)) return cache.filter((p): p is VenuePosition => typeof p?.symbol === 'string');
  return Object.values(cache).flatMap(cachedPositions);
}
