// The ledger: positions, cost basis, realized PnL, fees, funding and cash per currency, all exact.
import { ZERO, abs, div, mul, type Fixed } from '../core/money.ts';
import type { Fill, FundingPayment } from '../core/trading.ts';
import { mergeRoundTrips, noRoundTrips, OpenRoundTrip, type RoundTripStats } from './round-trips.ts';

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
  /** Cost of fills against their orders' decision prices, quote currency: positive = worse for us. */
  slippage: Fixed;
  /** Decision-price notional of the fills that had one: the base of slippage in bps. */
  decisionNotional: Fixed;
  /** This position's round trips (flat to flat), closed and under way. */
  roundTrip: OpenRoundTrip;
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
  slippage: Fixed;
  decisionNotional: Fixed;
}

/** A strategy's book as a whole: flat when every one of its positions is flat. */
interface StrategyBook {
  /** Positions not flat. */
  open: number;
  /** realized − fees + funding over all its positions. */
  net: Fixed;
  roundTrip: OpenRoundTrip;
}

export class Ledger {
  /** In the order they were opened; `byLeg` finds one without building a key on every tick. */
  private readonly accounts: PositionAccount[] = [];
  private readonly byLeg = new Map<string, Map<string, Map<string, PositionAccount>>>();
  /** Cash per "venue:currency". */
  private readonly cash = new Map<string, Fixed>();
  private readonly startCash = new Map<string, Fixed>();
  /** Fees that could not be converted to the quote currency, per "venue:currency": never guessed into PnL. */
  private readonly unconverted = new Map<string, Fixed>();
  private readonly books = new Map<string, StrategyBook>();

  deposit(venue: string, currency: string, amount: Fixed): void {
    const k = `${venue}:${currency}`;
    this.cash.set(k, (this.cash.get(k) ?? ZERO) + amount);
    this.startCash.set(k, (this.startCash.get(k) ?? ZERO) + amount);
  }

  account(strategy: string, venue: string, symbol: string, quote: string): PositionAccount {
    let byVenue = this.byLeg.get(strategy);
    if (!byVenue) this.byLeg.set(strategy, (byVenue = new Map()));
    let bySymbol = byVenue.get(venue);
    if (!bySymbol) byVenue.set(venue, (bySymbol = new Map()));
    let acc = bySymbol.get(symbol);
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
        slippage: ZERO,
        decisionNotional: ZERO,
        roundTrip: new OpenRoundTrip(),
      };
      bySymbol.set(symbol, acc);
      this.accounts.push(acc);
    }
    return acc;
  }

  /**
   * Book a fill. `feeInQuote` is the fee converted to the quote currency (equal to fill.fee when the fee
   * is paid in quote); the conversion rate used is the caller's record to keep. null: the fee could not be
   * converted, so it is held apart in its own currency rather than guessed into PnL. `decisionPrice` is the
   * price the strategy decided at, for slippage.
   */
  applyFill(fill: Fill, quote: string, feeInQuote: Fixed | null, decisionPrice?: Fixed): PositionAccount {
    const acc = this.account(fill.strategy, fill.venue, fill.symbol, quote);
    const book = this.strategyBook(fill.strategy);
    const qtyBefore = acc.qty;
    const netBefore = accountNet(acc);
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
    const notional = mul(fill.qty, fill.price);
    if (feeInQuote === null) {
      const k = `${fill.venue}:${fill.feeCurrency}`;
      this.unconverted.set(k, (this.unconverted.get(k) ?? ZERO) + fill.fee);
    } else acc.fees += feeInQuote;
    acc.trades += 1;
    acc.volume += notional;
    if (decisionPrice !== undefined && decisionPrice > ZERO) {
      const worse = fill.side === 'buy' ? fill.price - decisionPrice : decisionPrice - fill.price;
      acc.slippage += mul(worse, fill.qty);
      acc.decisionNotional += mul(decisionPrice, fill.qty);
    }
    if (acc.mark === ZERO) acc.mark = fill.price;
    const cashKey = `${fill.venue}:${quote}`;
    this.cash.set(cashKey, (this.cash.get(cashKey) ?? ZERO) - mul(signed, fill.price) - (feeInQuote ?? ZERO));
    // Round trips: this position's, and its strategy's as a whole.
    const netAfter = accountNet(acc);
    const flipped = qtyBefore !== ZERO && acc.qty !== ZERO && acc.qty > ZERO !== qtyBefore > ZERO;
    acc.roundTrip.onFill(qtyBefore === ZERO, acc.qty === ZERO || flipped, netBefore, netAfter, notional);
    const openBefore = book.open;
    if (qtyBefore === ZERO) book.open += 1;
    if (acc.qty === ZERO) book.open -= 1;
    const bookNetBefore = book.net;
    book.net += netAfter - netBefore;
    // The strategy's round trip ends when its book is flat, or when its one open position flips through zero.
    const ends = book.open === 0 || (flipped && openBefore === 1);
    book.roundTrip.onFill(openBefore === 0, ends, bookNetBefore, book.net, notional);
    return acc;
  }

  private strategyBook(strategy: string): StrategyBook {
    let b = this.books.get(strategy);
    if (!b) {
      b = { open: 0, net: ZERO, roundTrip: new OpenRoundTrip() };
      this.books.set(strategy, b);
    }
    return b;
  }

  /** Closed round trips of a strategy (or of every strategy), each from flat to flat over all its positions. */
  strategyRoundTrips(strategy?: string): RoundTripStats {
    const out = noRoundTrips();
    for (const [name, b] of this.books)
      if (strategy === undefined || name === strategy) mergeRoundTrips(out, b.roundTrip.closed);
    return out;
  }

  /** Closed round trips of single positions (one strategy, venue and symbol each) that pass `filter`. */
  positionRoundTrips(filter: (acc: PositionAccount) => boolean): RoundTripStats {
    const out = noRoundTrips();
    for (const acc of this.accounts) if (filter(acc)) mergeRoundTrips(out, acc.roundTrip.closed);
    return out;
  }

  /** Fees held in their own currency because no rate to the quote was known, per "venue:currency". */
  unconvertedFees(): Map<string, Fixed> {
    return new Map(this.unconverted);
  }

  applyFunding(payment: FundingPayment, quote: string): void {
    const acc = this.account(payment.strategy, payment.venue, payment.symbol, quote);
    const book = this.strategyBook(payment.strategy);
    acc.funding += payment.amount;
    book.net += payment.amount;
    const cashKey = `${payment.venue}:${quote}`;
    this.cash.set(cashKey, (this.cash.get(cashKey) ?? ZERO) + payment.amount);
  }

  mark(venue: string, symbol: string, price: Fixed): void {
    for (const acc of this.accounts) {
      if (acc.venue === venue && acc.symbol === symbol) acc.mark = price;
    }
  }

  /** The ledger's own list, not a copy: risk reads it on every order's way out. */
  accountsList(): readonly PositionAccount[] {
    return this.accounts;
  }

  /** Cash per "venue:currency", the ledger's own map, not a copy. */
  cashBalances(): ReadonlyMap<string, Fixed> {
    return this.cash;
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
    for (const acc of this.accounts) total += mul(acc.qty, acc.mark);
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
      slippage: ZERO,
      decisionNotional: ZERO,
    };
    for (const acc of this.accounts) {
      if (filter && !filter(acc)) continue;
      t.realized += acc.realized;
      t.unrealized += unrealized(acc);
      t.fees += acc.fees;
      t.funding += acc.funding;
      t.trades += acc.trades;
      t.volume += acc.volume;
      t.slippage += acc.slippage;
      t.decisionNotional += acc.decisionNotional;
    }
    t.net = t.realized + t.unrealized - t.fees + t.funding;
    return t;
  }
}

export function unrealized(acc: PositionAccount): Fixed {
  return mul(acc.qty, acc.mark) - acc.cost;
}

/** What a position has made so far without its open part: realized − fees + funding. */
export function accountNet(acc: PositionAccount): Fixed {
  return acc.realized - acc.fees + acc.funding;
}

export function averageEntry(acc: PositionAccount): Fixed {
  return acc.qty === ZERO ? ZERO : div(acc.cost, acc.qty);
}
