// The one interface every execution venue (paper, ccxt, hyperliquid) gives the engine.
import type { OrderBook } from './order-book.ts';
import type { BookEvent, TradeEvent } from './market-events.ts';
import type { Fill, OrderRequest, OrderUpdate } from './trading.ts';

export interface ExecutionListener {
  onOrderUpdate(update: OrderUpdate): void;
  onFill(fill: Fill): void;
}

export interface ExecutionVenue {
  readonly name: string;
  setListener(listener: ExecutionListener): void;
  submit(order: OrderRequest, now: number): void;
  cancel(clientOrderId: string, now: number): void;
  /** Deliver whatever is due by `now` (order arrivals after latency, cancels). */
  advance(now: number): void;
  /** Market data the venue's matching reacts to (queue position, resting fills). */
  onBook(book: OrderBook, event: BookEvent): void;
  onTrade(event: TradeEvent): void;
  /** The account's balances per currency as the venue reports them (live gateways); paper venues have none. */
  readonly balances?: ReadonlyMap<string, number>;
  /** Orders this venue still holds (resting or in flight). */
  openOrderIds(): string[];
  /** The venue's own signed position (a decimal string), where it keeps one apart from our ledger. */
  position?(symbol: string): string;
  /** Symbols the venue holds a position in, where it keeps its own. */
  positionSymbols?(): string[];
  /**
   * Ask the venue what the account holds now (live gateways, at startup): the open orders this engine placed — `ours`
   * maps each client order id the live journal holds on this venue to its strategy — and its positions. The gateway
   * takes those orders back under its management, so they can be cancelled and their fills and updates still arrive.
   */
  accountState?(
    ours: ReadonlyMap<string, string>,
    openInJournal?: readonly OrderToLookUp[],
  ): Promise<VenueAccountState>;
}

/** An order the live journal holds open: the venue is asked how it ended and for its fills. */
export interface OrderToLookUp {
  orderId: string;
  symbol: string;
  /** When the journal placed it: no fill of it is older. */
  ts: number;
}

/** An order of ours the venue reports finished, in our terms. */
export interface OrderClosedAtVenue {
  orderId: string;
  status: 'filled' | 'cancelled' | 'rejected';
  /** Decimal string in base units. */
  filled: string;
}

/** An open order of ours as the venue reports it, in our terms (base units, our client order id). */
export interface OrderAtVenue {
  orderId: string;
  symbol: string;
  side: string;
  /** Decimal strings in base units. */
  qty: string;
  filled: string;
  price: string;
}

export interface VenueAccountState {
  /** Open orders whose client id is one this engine gave (see `accountState`). */
  orders: OrderAtVenue[];
  /** Open orders on the account that this engine did not place: counted, never touched. */
  foreignOrders: number;
  /** Signed positions in base units by symbol (decimal strings, non-zero only); null where the venue keeps none (spot). */
  positions: Map<string, string> | null;
  /** The asked-about orders (`openInJournal`) the venue reports finished. */
  closedOrders?: OrderClosedAtVenue[];
  /** Every fill the venue made of the asked-about orders, as it recorded them (price, fee, trade id). */
  fills?: Fill[];
}
