// The order manager: every order the engine sent, its fills and status, by client order id.
import { isTerminal, type OrderRequest, type OrderUpdate } from '../core/trading.ts';
import type { OrderView } from '../core/strategy.ts';

export interface ManagedOrder extends OrderView {
  strategy: string;
  reduceOnly: boolean;
  decisionPrice: number;
  sentAt: number;
  /** Quote notional filled, for average fill price and slippage. */
  filledNotional: number;
}

/** Shared, so frozen: a caller that tried to add to it would throw, not corrupt every later answer. */
const NO_ORDERS: ManagedOrder[] = Object.freeze([]) as unknown as ManagedOrder[];

export class OrderManager {
  private readonly open = new Map<string, ManagedOrder>();
  private counter = 0;
  /** Finished orders, kept for slippage and audit counts. */
  completed = 0;

  nextId(strategy: string): string {
    this.counter += 1;
    return `${strategy}-${this.counter}`;
  }

  /** After a restart: never reuse an id the journal already holds. */
  resumeAfter(counter: number): void {
    if (counter > this.counter) this.counter = counter;
  }

  track(req: OrderRequest, now: number): ManagedOrder {
    const order: ManagedOrder = {
      clientOrderId: req.clientOrderId,
      venue: req.venue,
      symbol: req.symbol,
      side: req.side,
      qty: req.qty,
      filledQty: 0,
      price: req.price,
      tag: req.tag,
      status: 'pending',
      strategy: req.strategy,
      reduceOnly: req.reduceOnly,
      decisionPrice: req.decisionPrice,
      sentAt: now,
      filledNotional: 0,
    };
    this.open.set(req.clientOrderId, order);
    return order;
  }

  get(id: string): ManagedOrder | undefined {
    return this.open.get(id);
  }

  recordFill(id: string, qty: number, price: number): void {
    const o = this.open.get(id);
    if (o) o.filledNotional += qty * price;
  }

  /** Apply a venue update; returns the order, removed from the open set when it is finished. */
  apply(update: OrderUpdate): ManagedOrder | undefined {
    const o = this.open.get(update.clientOrderId);
    if (!o) return undefined;
    o.status = update.status;
    o.filledQty = update.filledQty;
    if (isTerminal(update.status)) {
      this.open.delete(update.clientOrderId);
      this.completed += 1;
    }
    return o;
  }

  /** Nothing open is the usual answer on a tick: give it without building a list. */
  openOrders(strategy?: string): ManagedOrder[] {
    if (this.open.size === 0) return NO_ORDERS;
    const all = [...this.open.values()];
    return strategy ? all.filter((o) => o.strategy === strategy) : all;
  }

  get openCount(): number {
    return this.open.size;
  }
}
