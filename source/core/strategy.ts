// The one interface every strategy sits behind: it sees the market through a context and returns intents.
import type { Instrument } from './instrument.ts';
import type { OrderBook } from './order-book.ts';
import type { OrderIntent, OrderStatus, Side } from './trading.ts';

export type { OrderIntent };

export type DecidingState = 'RUNNING' | 'REDUCING';

export interface OrderView {
  clientOrderId: string;
  venue: string;
  symbol: string;
  side: Side;
  qty: number;
  filledQty: number;
  price: number;
  tag: string;
  status: OrderStatus;
}

export interface StrategyContext {
  readonly now: number;
  /** RUNNING may open; REDUCING may only reduce exposure. */
  readonly state: DecidingState;
  book(venue: string, symbol: string): OrderBook | undefined;
  instrument(venue: string, symbol: string): Instrument;
  /** This strategy's signed position (a float view for decisions; the ledger keeps the exact one). */
  position(venue: string, symbol: string): number;
  /** This strategy's orders not yet filled, cancelled or rejected. */
  openOrders(): OrderView[];
  /** Age of the newest market data for an instrument, ms; Infinity when none. */
  dataAgeMs(venue: string, symbol: string): number;
  readonly staleAfterMs: number;
}

export interface Leg {
  venue: string;
  symbol: string;
}

export interface Strategy {
  readonly name: string;
  readonly kind: string;
  /** What it trades, for display ("BTC"). */
  readonly label: string;
  readonly legs: Leg[];
  /** Its legs offset each other (an arbitrage): a leg left unhedged too long trips the kill switch. */
  readonly hedged?: boolean;
  /** Decide on fresh market data; empty when there is nothing to do (see idleReason). */
  decide(ctx: StrategyContext): OrderIntent[];
  /** Why it did nothing on its last decision, in the trader's words; null when it acted. */
  readonly idleReason: string | null;
}
