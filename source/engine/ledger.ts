// The ledger: positions, cost basis, realized PnL, fees, funding and cash per currency, all exact.
import { ZERO, abs, div, mul, type Fixed } from '../core/money.ts';
import type { Fill, FundingPayment } from '../core/trading.ts';

export interface PositionAccount {
  strategy: string;
  venue: string;
  symbol: string;
  quote: string;
  /** Signed size. */
  qty: Fixed;
  /** Signed cost basis of the open size (qty × average entry). */
  cost: Fixed;
  realized: Fixed;
  /** In quote currency (fees paid in another currency converted at the fill). */
  fees: Fixed;
  /** Received minus paid. */
  funding: Fixed;
  mark: Fixed;
  trades: number;
  volume: Fixed;
}

export interface StrategyTotals {
  realized: Fixed;
  unrealized: Fixed;
  fees: Fixed;
  funding: Fixed;
  /** realized + unrealized − fees + funding */
  net: Fixed;
  trades: number;
  volume: Fixed;
}

function key(strategy: string, venue: string, symbol: string): string {
  return `${strategy}\u0000${venue}\u0000${symbol}`;
}

export class Ledger {
  private readonly accounts = new Map<string, PositionAccount>();
  /** Cash per "venue:currency". */
  private readonly cash = new Map<string, Fixed>();
  private readonly startCash = new Map<string, Fixed>();

  deposit(venue: string, currency: string, amount: Fixed): void {
    const k = `${venue}:${currency}`;
    this.cash.set(k, (this.cash.get(k) ?? ZERO) + amount);
    this.startCash.set(k, (this.startCash.get(k) ?? ZERO) + amount);
  }

  account(strategy: string, venue: string, symbol: string, quote: string): PositionAccount {
    const k = key(strategy, venue, symbol);
    let acc = this.accounts.get(k);
    if (!acc) {
      acc = {
        strategy,
        venue,
        symbol,
        quote,
        qty: ZERO,
        cost: ZERO,
        realized: ZERO,
        fees: ZERO,
        funding: ZERO,
        mark: ZERO,
        trades: 0,
        volume: ZERO,
      };
      this.accounts.set(k, acc);
    }
    return acc;
  }

  /**
   * Book a fill. `feeInQuote` is the fee converted to the quote currency (equal to fill.fee when the fee
   * is paid in quote); the conversion rate used is the caller's record to keep.
   */
  applyFill(fill: Fill, quote: string, feeInQuote: Fixed): PositionAccount {
    const acc = this.account(fill.strategy, fill.venue, fill.symbol, quote);
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    let remaining = signed;
    // Close against the open side first; what is left opens (or flips) the position.
    if (acc.qty !== ZERO && acc.qty > ZERO !== signed > ZERO) {
      const closing = abs(signed) < abs(acc.qty) ? signed : -acc.qty;
      const removedCost = closing === -acc.qty ? acc.cost : div(mul(acc.cost, abs(closing)), abs(acc.qty));
      acc.realized += -mul(closing, fill.price) - removedCost;
      acc.cost -= removedCost;
      acc.qty += closing;
      remaining -= closing;
    }
    if (remaining !== ZERO) {
      acc.cost += mul(remaining, fill.price);
      acc.qty += remaining;
    }
    acc.fees += feeInQuote;
    acc.trades += 1;
    acc.volume += mul(fill.qty, fill.price);
    if (acc.mark === ZERO) acc.mark = fill.price;
    const cashKey = `${fill.venue}:${quote}`;
    this.cash.set(cashKey, (this.cash.get(cashKey) ?? ZERO) - mul(signed, fill.price) - feeInQuote);
    return acc;
  }

  applyFunding(payment: FundingPayment, quote: string): void {
    const acc = this.account(payment.strategy, payment.venue, payment.symbol, quote);
    acc.funding += payment.amount;
    const cashKey = `${payment.venue}:${quote}`;
    this.cash.set(cashKey, (this.cash.get(cashKey) ?? ZERO) + payment.amount);
  }

  mark(venue: string, symbol: string, price: Fixed): void {
    for (const acc of this.accounts.values()) {
      if (acc.venue === venue && acc.symbol === symbol) acc.mark = price;
    }
  }

  accountsList(): PositionAccount[] {
    return [...this.accounts.values()];
  }

  cashBalances(): Map<string, Fixed> {
    return new Map(this.cash);
  }

  startEquity(): Fixed {
    let total = ZERO;
    for (const v of this.startCash.values()) total += v;
    return total;
  }

  /** Stablecoin quotes are taken at par: equity is cash plus marked positions. */
  equity(): Fixed {
    let total = ZERO;
    for (const v of this.cash.values()) total += v;
    for (const acc of this.accounts.values()) total += mul(acc.qty, acc.mark);
    return total;
  }

  totals(filter?: (acc: PositionAccount) => boolean): StrategyTotals {
    const t: StrategyTotals = {
      realized: ZERO,
      unrealized: ZERO,
      fees: ZERO,
      funding: ZERO,
      net: ZERO,
      trades: 0,
      volume: ZERO,
    };
    for (const acc of this.accounts.values()) {
      if (filter && !filter(acc)) continue;
      t.realized += acc.realized;
      t.unrealized += unrealized(acc);
      t.fees += acc.fees;
      t.funding += acc.funding;
      t.trades += acc.trades;
      t.volume += acc.volume;
    }
    t.net = t.realized + t.unrealized - t.fees + t.funding;
    return t;
  }
}

export function unrealized(acc: PositionAccount): Fixed {
  return mul(acc.qty, acc.mark) - acc.cost;
}

export function averageEntry(acc: PositionAccount): Fixed {
  return acc.qty === ZERO ? ZERO : div(acc.cost, acc.qty);
}
