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
}
