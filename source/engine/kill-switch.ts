// After a kill: keep asking venues to cancel until they confirm, name what would not cancel, and (by config) flatten.
import { roundAmount, roundPrice, type Instrument } from '../core/instrument.ts';
import { toNumber } from '../core/money.ts';
import type { OrderIntent } from '../core/trading.ts';

/** What the kill switch needs of the engine. */
export interface KillSwitchDesk {
  openOrders(): { clientOrderId: string; venue: string; strategy: string }[];
  cancel(venue: string, clientOrderId: string): void;
  /** Every non-zero position: who owns it, where, how much (signed, exact). */
  positions(): { strategy: string; venue: string; symbol: string; qty: bigint }[];
  book(venue: string, symbol: string): { ready: boolean; bestBid: number; bestAsk: number } | undefined;
  instrument(venue: string, symbol: string): Instrument | undefined;
  /** Send a reduce-only exit for a strategy through risk (HALTED lets verified reduce-only exits through). */
  placeExit(strategy: string, intent: OrderIntent): void;
  hasOpenOrder(strategy: string, venue: string, symbol: string): boolean;
  alert(severity: 'info' | 'warning' | 'critical', message: string): void;
}

export interface KillSwitchOptions {
  cancelRetryMs: number;
  cancelAttempts: number;
  flattenOnKill: boolean;
  /** How far through the touch a flatten order may fill, bps. */
  flattenSlippageBps?: number;
}

interface PendingCancel {
  venue: string;
  attempts: number;
  lastTs: number;
}

export class KillSwitch {
  private readonly pending = new Map<string, PendingCancel>();
  private readonly given = new Set<string>();
  private flattening = false;

  constructor(
    private readonly desk: KillSwitchDesk,
    private readonly o: KillSwitchOptions,
  ) {}

  /** Cancel everything now; returns how many orders were asked to cancel. */
  engage(now: number): number {
    const open = this.desk.openOrders();
    for (const order of open) {
      this.desk.cancel(order.venue, order.clientOrderId);
      this.pending.set(order.clientOrderId, { venue: order.venue, attempts: 1, lastTs: now });
    }
    this.given.clear();
    this.flattening = this.o.flattenOnKill;
    if (this.flattening) this.flatten();
    return open.length;
  }

  /** Re-armed: stop chasing cancels and exits. */
  disengage(): void {
    this.pending.clear();
    this.given.clear();
    this.flattening = false;
  }

  /** Orders still open after a kill that the venue has not confirmed cancelled. */
  get unconfirmed(): string[] {
    return [...this.pending.keys()];
  }

  /** On the engine's clock: retry unconfirmed cancels, give up loudly, keep flattening. */
  tick(now: number): void {
    if (this.pending.size > 0) {
      const open = new Set(this.desk.openOrders().map((o) => o.clientOrderId));
      for (const [id, p] of this.pending) {
        if (!open.has(id)) {
          this.pending.delete(id);
          continue;
        }
        if (now - p.lastTs < this.o.cancelRetryMs) continue;
        if (p.attempts < this.o.cancelAttempts) {
          p.attempts += 1;
          p.lastTs = now;
          this.desk.cancel(p.venue, id);
        } else if (!this.given.has(id)) {
          this.given.add(id);
          this.desk.alert(
            'critical',
            `could not cancel order ${id} on ${p.venue} after ${p.attempts} attempts: check it at the venue`,
          );
        }
      }
    }
    if (this.flattening) this.flatten();
  }

  /** One reduce-only IOC per open position with no exit already working, priced through the touch. */
  private flatten(): void {
    const slip = (this.o.flattenSlippageBps ?? 50) / 1e4;
    for (const p of this.desk.positions()) {
      if (this.desk.hasOpenOrder(p.strategy, p.venue, p.symbol)) continue;
      const book = this.desk.book(p.venue, p.symbol);
      const inst = this.desk.instrument(p.venue, p.symbol);
      if (!book?.ready || !inst) continue;
      const qty = roundAmount(inst, Math.abs(toNumber(p.qty)));
      if (!(qty > 0)) continue;
      const side = p.qty > 0n ? 'sell' : 'buy';
      const touch = side === 'sell' ? book.bestBid : book.bestAsk;
      const price = roundPrice(
        inst,
        side === 'sell' ? touch * (1 - slip) : touch * (1 + slip),
        side === 'sell' ? 'up' : 'down',
      );
      this.desk.placeExit(p.strategy, {
        venue: p.venue,
        symbol: p.symbol,
        side,
        qty,
        price,
        tif: 'IOC',
        reduceOnly: true,
        decisionPrice: touch,
        tag: 'flatten',
      });
    }
  }
}
